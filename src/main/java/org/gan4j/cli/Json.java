package org.gan4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The one way commands print a --json report. */
final class Json {
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    static void print(Object report) throws JsonProcessingException {
        System.out.println(pretty(report));
    }

    /** The text {@link #print} prints, for a report also written to a file. */
    static String pretty(Object report) throws JsonProcessingException {
        return PRETTY.writeValueAsString(report);
    }
}
