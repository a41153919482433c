/**
 * Programs: the {@code grove} command ({@link dev.grove.cli.GroveCommand}) and the demo
 * ({@link dev.grove.cli.Demo}). Each runs in its own JVM; neither keeps state between runs.
 */
package dev.grove.cli;
