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

export function focus(id) {
    document.getElementById(id)?.focus();
}

// The dashboard's keys. Typing in a field is never taken over: only Escape (which clears the timeline filter)
// works there. The ? overlay lists the same keys.
export function watchKeys(component) {
    // The page may be gone (its circuit ended) before the listener is removed: a key then does nothing.
    const shortcut = name => component.invokeMethodAsync("OnShortcutAsync", name).catch(() => {});
    const typing = target => target.closest("input, textarea, select, [contenteditable=true], [role=listbox], .mud-dialog");
    const onKey = event => {
        if (event.ctrlKey || event.metaKey || event.altKey) {
            return;
        }
        const filter = document.querySelector("#timeline-text");
        if (event.key === "Escape" && filter && event.target === filter) {
            filter.value = "";
            filter.dispatchEvent(new Event("input", { bubbles: true }));
            filter.blur();
            return;
        }
        if (typing(event.target)) {
            return;
        }
        if (event.key === "/") {
            event.preventDefault();
            filter?.focus();
        } else if (event.key === "?") {
            event.preventDefault();
            shortcut("help");
        } else if ((event.key === " " && !event.target.closest("button, a, summary")) || event.key === "p") {
            event.preventDefault();
            shortcut("pause");
        }
    };
    document.addEventListener("keydown", onKey);
    return { dispose: () => document.removeEventListener("keydown", onKey) };
}
