-- One row per address: the primary key is what makes a claim atomic between servers sharing the
-- database (INSERT ... ON CONFLICT (address) ... WHERE the address is free or already the client's).
CREATE TABLE dhcp_lease (
    address    text        PRIMARY KEY,
    client_key text        NOT NULL,
    mac        text,
    state      text        NOT NULL CHECK (state IN ('offered', 'bound', 'released', 'expired', 'declined')),
    expires    timestamptz NOT NULL,
    hostname   text,
    server     text        NOT NULL,
    updated    timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX dhcp_lease_client ON dhcp_lease (client_key);
CREATE INDEX dhcp_lease_updated ON dhcp_lease (updated);
