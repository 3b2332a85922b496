package kata;

/**
 * Thrown by the starting code where the learner has work to do. The app answers it with
 * 501 Not Implemented and this message, so a failing test shows what to do next.
 */
public final class Todo extends UnsupportedOperationException {
    private static final long serialVersionUID = 1L;

    public Todo(String whatToDo) {
        super("TODO " + whatToDo);
    }
}
