package org.sparetire.core.event;

/** Seen from the server: READ is a client fetching a file (RRQ), WRITE a client uploading (WRQ). */
public enum TransferDirection {
    READ, WRITE
}
