package org.gan4j.config;

/** A user error in an experiment configuration; the message names the file, field and value. */
public final class ConfigException extends UserError {
    public ConfigException(String message) {
        super(message);
    }
}
