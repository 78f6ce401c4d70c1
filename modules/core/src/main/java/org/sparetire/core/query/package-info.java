/**
 * Query ports: what a service answers to the rest of the appliance. A service offers them through
 * {@link org.sparetire.core.lifecycle.Service#query}, so the wiring asks for a port, never for a service's
 * class.
 */
package org.sparetire.core.query;
