package org.sparetire.core.event;

public enum LeaseEventKind {
    OFFERED, ACKED, NAKED, RELEASED, DECLINED, EXPIRED, INFORMED, PROXY_OFFERED
}
