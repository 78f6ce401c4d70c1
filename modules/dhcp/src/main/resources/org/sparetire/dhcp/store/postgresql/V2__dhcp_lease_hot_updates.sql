-- An ACK rewrites the row its OFFER claimed (same address, same client). Without an index on the
-- column every write changes, and with room left on each page, PostgreSQL updates such a row in place
-- of its page (a HOT update) without touching any index. Changes by other servers are found by a scan
-- of the table every sweep instead.
DROP INDEX IF EXISTS dhcp_lease_updated;
ALTER TABLE dhcp_lease SET (fillfactor = 70);
