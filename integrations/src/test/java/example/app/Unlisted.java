package example.app;

import java.io.Serializable;

/** An application class (outside {@code dev.grove}) that no filter in these tests admits: the control that shows a filter is on. */
public final class Unlisted implements Serializable {
    public final String note = "not on any allow list";
}
