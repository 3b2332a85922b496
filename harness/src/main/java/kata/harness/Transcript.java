package kata.harness;

import java.util.regex.Pattern;
import org.approvaltests.Approvals;
import org.approvaltests.core.Options;
import org.approvaltests.reporters.Junit5Reporter;

/**
 * Approval tests of transcripts: what a client sent and saw, as text, compared with the
 * {@code *.approved.txt} file next to the test (named TestClass.testMethod.approved.txt).
 * A mismatch fails the test with both texts and writes a {@code *.received.txt} beside it
 * (ignored by git); to approve a change, rename the received file to approved.
 *
 * <p>What changes from run to run is scrubbed first: tokens, times, ports and session ids.
 */
public final class Transcript {

    private static final Pattern TOKEN = Pattern.compile("eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
    private static final Pattern EPOCH_SECONDS = Pattern.compile("\\b1[0-9]{9}\\b");
    private static final Pattern PORT = Pattern.compile("(127\\.0\\.0\\.1|localhost):[0-9]{1,5}");
    private static final Pattern UUID = Pattern.compile("\\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\b");
    private static final Pattern ENGINE_SID = Pattern.compile("\"sid\"\\s*:\\s*\"[^\"]+\"");

    private Transcript() {
    }

    public static String scrub(String text) {
        String scrubbed = TOKEN.matcher(text).replaceAll("<token>");
        scrubbed = EPOCH_SECONDS.matcher(scrubbed).replaceAll("<time>");
        scrubbed = PORT.matcher(scrubbed).replaceAll("$1:<port>");
        scrubbed = UUID.matcher(scrubbed).replaceAll("<session id>");
        return ENGINE_SID.matcher(scrubbed).replaceAll("\"sid\": \"<session id>\"");
    }

    public static void verify(String transcript) {
        Approvals.verify(transcript, new Options()
                .withScrubber(Transcript::scrub)
                .withReporter(new Junit5Reporter()));
    }
}
