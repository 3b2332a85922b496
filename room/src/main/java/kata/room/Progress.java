package kata.room;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Who is in the room and where each one stands: the last report of each participant, checked field by
 * field (a report is whatever JSON a client sent: anything may arrive), and the snapshot the facilitator's
 * page draws. In memory: a room lives for one workshop, and after a restart each participant's next report
 * (every verdict sends the whole of it) brings its line back.
 */
final class Progress {

    /** A room of a workshop: more than this many participants is a flood, not a class. */
    static final int MOST_PARTICIPANTS = 300;
    static final int LONGEST_NAME = 40;
    static final int MOST_STEPS = 40;
    static final int LONGEST_TEST_NAME = 200;
    static final Set<String> STATES = Set.of("green", "red", "not started", "skipped");
    private static final Pattern STEP = Pattern.compile("\\d{2}");

    private final Clock clock;
    private final Map<String, Line> lines = new ConcurrentHashMap<>();

    Progress(Clock clock) {
        this.clock = clock;
    }

    /** One participant: its name, when it joined and was last heard of, its current step and each step's report. */
    record Line(String id, String name, long joined, long seen, String step, Map<String, Map<String, Object>> steps) {
    }

    /**
     * The name as it will be shown: stripped; 1 to {@value #LONGEST_NAME} characters, no control characters.
     * Any other character is allowed, markup included: the page shows a name as text.
     */
    static String checkName(String name) {
        String stripped = name == null ? "" : name.strip();
        if (stripped.isEmpty() || stripped.codePointCount(0, stripped.length()) > LONGEST_NAME) {
            throw new RoomError(400, "a name is 1 to " + LONGEST_NAME + " characters");
        }
        if (stripped.codePoints().anyMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT)) {
            throw new RoomError(400, "a name may not hold control characters");
        }
        return stripped;
    }

    void join(String id, String name) {
        if (!lines.containsKey(id) && lines.size() >= MOST_PARTICIPANTS) {
            throw new RoomError(429, "the room is full (" + MOST_PARTICIPANTS + " participants)");
        }
        long now = clock.millis();
        lines.compute(id, (k, before) -> before != null ? before : new Line(id, name, now, now, null, Map.of()));
    }

    void leave(String id) {
        lines.remove(id);
    }

    /** A participant's report: its own line, and only its own (the id comes from its token, never from the body). */
    void report(String id, String name, JsonNode report) {
        if (report == null || !report.isObject()) {
            throw new RoomError(400, "a report is a JSON object");
        }
        String current = text(report, "step", 2);
        if (current != null && !STEP.matcher(current).matches()) {
            throw new RoomError(400, "step is two digits, such as \"03\"");
        }
        JsonNode steps = report.get("steps");
        if (steps == null || !steps.isArray() || steps.size() > MOST_STEPS) {
            throw new RoomError(400, "steps is a list of at most " + MOST_STEPS + " steps");
        }
        Map<String, Map<String, Object>> byStep = new LinkedHashMap<>();
        for (JsonNode s : steps) {
            if (!s.isObject()) {
                throw new RoomError(400, "each step is a JSON object");
            }
            String number = text(s, "step", 2);
            if (number == null || !STEP.matcher(number).matches()) {
                throw new RoomError(400, "step is two digits, such as \"03\"");
            }
            String state = text(s, "state", 20);
            if (!STATES.contains(state)) {
                throw new RoomError(400, "state is one of " + new TreeSet<>(STATES));
            }
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("state", state);
            one.put("passed", number(s, "passed", 100_000));
            one.put("total", number(s, "total", 100_000));
            one.put("failing", text(s, "failing", LONGEST_TEST_NAME));
            one.put("hints", number(s, "hints", 100));
            one.put("minutes", number(s, "minutes", 100_000));
            byStep.put(number, one);
        }
        long now = clock.millis();
        // a report of a participant that the room no longer lists (it restarted, or the participant left
        // from another terminal) brings its line back: the token proves who it is
        if (!lines.containsKey(id) && lines.size() >= MOST_PARTICIPANTS) {
            throw new RoomError(429, "the room is full (" + MOST_PARTICIPANTS + " participants)");
        }
        lines.compute(id, (k, before) -> new Line(id, name, before == null ? now : before.joined(), now, current, byStep));
    }

    private static String text(JsonNode node, String field, int longest) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.asText().length() > longest) {
            throw new RoomError(400, field + " is a text of at most " + longest + " characters");
        }
        return value.asText();
    }

    private static Integer number(JsonNode node, String field, int largest) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 0 || value.asInt() > largest) {
            throw new RoomError(400, field + " is a whole number from 0 to " + largest);
        }
        return value.asInt();
    }

    int size() {
        return lines.size();
    }

    /** What the facilitator's page draws: every participant (in the order they joined), and every step reported. */
    Map<String, Object> snapshot() {
        List<Line> all = new ArrayList<>(lines.values());
        all.sort(Comparator.comparingLong(Line::joined).thenComparing(Line::id));
        TreeSet<String> steps = new TreeSet<>();
        List<Map<String, Object>> participants = new ArrayList<>();
        for (Line line : all) {
            steps.addAll(line.steps().keySet());
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("id", line.id());
            p.put("name", line.name());
            p.put("step", line.step());
            p.put("seen", line.seen());
            p.put("steps", line.steps());
            participants.add(p);
        }
        Map<String, Object> snapshot = new LinkedHashMap<>();
        snapshot.put("now", clock.millis());
        snapshot.put("steps", List.copyOf(steps));
        snapshot.put("participants", participants);
        return snapshot;
    }
}
