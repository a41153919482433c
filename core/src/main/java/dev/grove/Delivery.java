package dev.grove;

/**
 * How many receivers a reference is for, which decides when its region may be reused or freed after every
 * holder in the sending process has let go ({@link SharedObject#ref(Delivery)}).
 */
public enum Delivery {
    /**
     * Any number of receivers, each mapping the reference as often as it likes until the lease ends: what
     * {@link SharedObject#ref()} gives. The region outlives every holder until then.
     */
    FAN_OUT,

    /**
     * One receiver, once: when the view it maps from the reference is closed (or collected), the region goes
     * back to its creator at once, through a word in the region's lifetime block (docs/FORMAT.md), and the
     * creator may write its next message into it. The reference maps only while it is outstanding: a second
     * map after the release, or a reference whose ticket was never issued, is refused with
     * {@link StaleReferenceException}. The lease stays as a safety net: a receiver that dies or never maps
     * stops holding the region back when it ends. Where the region cannot take a consumed-once reference
     * (another one is outstanding, it is not sealed, or it was written by a Grove without lifetime blocks),
     * the reference is a {@link #FAN_OUT} one instead, which is always safe.
     */
    ONCE
}
