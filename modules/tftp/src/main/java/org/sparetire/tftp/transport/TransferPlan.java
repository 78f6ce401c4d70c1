package org.sparetire.tftp.transport;

import org.sparetire.tftp.codec.Request;
import org.sparetire.tftp.policy.FileSource;
import org.sparetire.tftp.session.Transfer;

/**
 * A transfer decided and not yet started: what it is, the session that will run it, and the settings it
 * runs under whatever the server's settings become.
 *
 * @param source        the file a read transfer sends; null for a write
 * @param expectedBytes the file's size for a read, the announced tsize for a write, -1 when unknown
 */
record TransferPlan(TransferRecord record, Request request, Transfer session, FileSource source, long expectedBytes,
                    ServerSettings settings) {
}
