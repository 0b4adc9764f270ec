package org.gan4j.data;

/** Missing, unreadable or corrupt data; the message names the file or directory. */
public final class DataException extends org.gan4j.config.UserError {
    public DataException(String message) {
        super(message);
    }
}
