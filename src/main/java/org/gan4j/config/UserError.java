package org.gan4j.config;

/**
 * Something the user can fix: a bad config, missing or corrupt data, an unusable directory.
 * The command line prints the message alone, on one line, and exits with code 2.
 */
public class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }
}
