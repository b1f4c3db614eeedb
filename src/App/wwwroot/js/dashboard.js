// The dashboard page's small needs from the browser: its time zone, the feed positions kept across a reload
// (sessionStorage: this tab only), and whether the reader has scrolled the timeline away from the newest row.
const positionsKey = "tributary.positions";

export function timeZone() {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

export function loadPositions() {
    try {
        return JSON.parse(sessionStorage.getItem(positionsKey) || "{}");
    } catch {
        return {};
    }
}

export function savePositions(positions) {
    try {
        sessionStorage.setItem(positionsKey, JSON.stringify(positions));
    } catch {
        // Storage full or disabled: a reload then starts live, which the page says.
    }
}

// Tells .NET when the reader scrolls away from the top (newest) and back, not on every scroll event.
export function watchScroll(element, component) {
    let away = false;
    const onScroll = () => {
        const now = element.scrollTop > 8;
        if (now !== away) {
            away = now;
            component.invokeMethodAsync("SetScrolledAway", now);
        }
    };
    element.addEventListener("scroll", onScroll, { passive: true });
    return { dispose: () => element.removeEventListener("scroll", onScroll) };
}

export function scrollToTop(element) {
    element.scrollTop = 0;
}
