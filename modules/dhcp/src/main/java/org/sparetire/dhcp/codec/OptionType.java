package org.sparetire.dhcp.codec;

/** How an option's bytes are written in the config and shown to people. */
public enum OptionType {
    IP_LIST, TEXT, HEX, U8, U16, U32, SUB_OPTIONS
}
