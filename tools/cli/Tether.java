package cli;

import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;

/**
 * The app's JVM, tied to the command line's that started it (./kata run, ./kata cluster): the app runs
 * as it would alone, and stops, through its own shutdown hooks, as soon as that JVM is gone, even when
 * it was killed with -9, which runs no hook that could stop the app. Untied, the app served on as an
 * orphan, and the next ./kata run found its port taken. {@link RunApp#compiledApp} compiles this class
 * beside the app's, so no lesson file knows of it.
 *
 * <p>{@code java -Dkata.tether=PID[,PID] -cp ... cli.Tether kata.App [args]}: the pids to outlive none of.
 */
public final class Tether {

    private Tether() {
    }

    public static void main(String[] args) throws Throwable {
        for (String pid : System.getProperty("kata.tether", "").split(",")) {
            if (!pid.isBlank()) {
                ProcessHandle.of(Long.parseLong(pid.trim())).ifPresentOrElse(
                        launcher -> launcher.onExit().thenRun(Tether::launcherGone), Tether::launcherGone);
            }
        }
        try {
            Class.forName(args[0]).getMethod("main", String[].class).invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    static void launcherGone() {
        System.err.println("The command that started this app (./kata) is gone: the app stops too.");
        System.exit(143);
    }
}
