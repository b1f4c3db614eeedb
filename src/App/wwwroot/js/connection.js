// Tells the truth about whether this page can hear from the server: the browser's network and Blazor's own
// connection, which Blazor reports as components-reconnect-state-changed events on #components-reconnect-modal.
// While that connection is down the server cannot say so itself, so this runs in the page: it sets
// <html data-link="up|offline|reconnecting|failed|reloading"> (the stylesheet hides "live" unless up) and writes
// a sentence into #link-state. A server that restarted no longer knows this page's circuit; the page then
// reloads, and the dashboard continues from its address and the positions kept in sessionStorage.
const root = document.documentElement;
const modal = document.getElementById("components-reconnect-modal");
const messages = {
    up: "",
    offline: "You are offline. Nothing new can arrive; the dashboard continues when the network is back.",
    reconnecting: "Lost the connection to the server. Reconnecting…",
    failed: "Could not reconnect to the server. Trying again every 5 seconds; or reload the page.",
    reloading: "The server restarted. Reloading to continue where you were…",
};
let blazorState = "up";
let paused = false;
let retryTimer = null;

function show() {
    const state = !navigator.onLine ? "offline" : blazorState;
    root.dataset.link = state;
    const text = messages[state];
    for (const element of document.querySelectorAll("[data-link-message]")) {
        if (element.textContent !== text) {
            element.textContent = text;
        }
    }
}

// Blazor's states: show and retrying (attempts in progress), failed (it gave up), paused (the circuit was paused:
// nothing arrives until it is resumed), rejected and resume-failed (the server no longer has this circuit), hide
// (connected again).
function onBlazorState(event) {
    const state = event.detail.state;
    paused = state === "paused";
    blazorState = state === "rejected" || state === "resume-failed" ? "reloading"
        : state === "failed" || state === "paused" ? "failed"
        : state === "hide" ? "up"
        : "reconnecting";
    show();
    if (blazorState === "reloading") {
        location.reload();
    } else if (blazorState === "failed") {
        scheduleRetry();
    }
}

// Blazor gives up after its own attempts; this keeps trying, so a server that comes back is found.
function scheduleRetry() {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(retry, 5000);
}

async function retry() {
    if (blazorState !== "failed") {
        return;
    }
    try {
        // A paused circuit is resumed; a lost connection is reconnected. False: the server no longer has this circuit.
        if (!(await (paused ? window.Blazor.resumeCircuit() : window.Blazor.reconnect()))) {
            location.reload();
            return;
        }
    } catch {
        // Still unreachable.
    }
    if (blazorState === "failed") {
        scheduleRetry();
    }
}

if (modal) {
    modal.addEventListener("components-reconnect-state-changed", onBlazorState);
    modal.querySelector("[data-retry]")?.addEventListener("click", () => retry());
}
window.addEventListener("online", () => { show(); if (blazorState === "failed") { retry(); } });
window.addEventListener("offline", show);
document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible" && blazorState === "failed") { retry(); } });
// A status bar rendered after the state changed (another page, say) gets the sentence too.
setInterval(() => { if (root.dataset.link !== "up") { show(); } }, 1000);
show();
