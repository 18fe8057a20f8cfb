package io.strait.cli.runtime;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Logging of a long-running Strait process: everything (the broker's INFO included) goes to a file under the
 * data dir; the console gets only Strait's own events (what started, each revision accepted or rejected) and
 * errors, so {@code strait up} prints a few readable lines. In a container ({@code --log-file -}) everything goes to
 * stdout instead ({@link #toStdout}).
 */
public final class ConsoleLogging {
    private ConsoleLogging() {
    }

    /** Routes java.util.logging (gRPC's) into SLF4J; call once, first thing. */
    public static void bridgeJul() {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.INFO);
        RefusedMessageLog.install();
    }

    /** @param logFile where the full log goes */
    public static void toFile(Path logFile) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        FileAppender<ILoggingEvent> file = new FileAppender<>();
        file.setContext(ctx);
        file.setFile(logFile.toString());
        file.setAppend(true);
        file.setEncoder(encoder(ctx, "%d{ISO8601} %-5level [%thread] %logger{30} - %msg%n"));
        file.start();

        ConsoleAppender<ILoggingEvent> events = new ConsoleAppender<>();
        events.setContext(ctx);
        events.setEncoder(encoder(ctx, "%d{HH:mm:ss} %msg%n"));
        events.start();

        ConsoleAppender<ILoggingEvent> errors = new ConsoleAppender<>();
        errors.setContext(ctx);
        errors.setTarget("System.err");
        errors.setEncoder(encoder(ctx, "%d{HH:mm:ss} %level %logger{20}: %msg%n"));
        ThresholdFilter onlyErrors = new ThresholdFilter();
        onlyErrors.setLevel("ERROR");
        onlyErrors.start();
        errors.addFilter(onlyErrors);
        errors.start();

        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(file);
        Logger strait = ctx.getLogger("io.strait");
        strait.addAppender(errors);
        Logger ev = ctx.getLogger("strait.events");
        ev.setLevel(Level.INFO);
        ev.addAppender(events);
    }

    /**
     * The full log (INFO and up, the broker's included) on stdout, one line per event with its level and logger: for a
     * container, whose runtime keeps and rotates stdout — a file inside the pod would only grow until eviction.
     */
    public static void toStdout() {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        ConsoleAppender<ILoggingEvent> out = new ConsoleAppender<>();
        out.setContext(ctx);
        out.setEncoder(encoder(ctx, "%d{ISO8601} %-5level [%thread] %logger{30} - %msg%n"));
        out.start();
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(out);
    }

    private static PatternLayoutEncoder encoder(LoggerContext ctx, String pattern) {
        PatternLayoutEncoder e = new PatternLayoutEncoder();
        e.setContext(ctx);
        e.setPattern(pattern);
        e.start();
        return e;
    }
}
