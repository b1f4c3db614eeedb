// Reads GET /api/stream with fetch, as any HTTP client would, and shows each line in an element, newest first,
// beside the time it arrived in the browser's own zone (the line itself is as sent: UTC).
// Returns a handle whose stop() aborts the request; the server then stops the stream's producers.
const arrival = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit", fractionalSecondDigits: 3, hour12: false });

export { timeZone, focus } from "./dashboard.js";

export function start(element, url, maxLines) {
    const controller = new AbortController();
    element.replaceChildren();
    element.dataset.state = "connecting";
    read(element, url, maxLines, controller.signal);
    return { stop: () => controller.abort() };
}

async function read(element, url, maxLines, signal) {
    try {
        const response = await fetch(url, { signal });
        if (!response.ok) {
            appendLine(element, `HTTP ${response.status}: ${await response.text()}`, maxLines);
            element.dataset.state = "failed";
            return;
        }
        element.dataset.state = "live";
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let pending = "";
        for (;;) {
            const { value, done } = await reader.read();
            if (done) {
                break;
            }
            const lines = (pending + value).split("\n");
            pending = lines.pop();
            for (const line of lines) {
                if (line) {
                    appendLine(element, line, maxLines);
                }
            }
        }
        element.dataset.state = "ended";
    } catch (error) {
        element.dataset.state = error.name === "AbortError" ? "stopped" : "failed";
        if (error.name !== "AbortError") {
            appendLine(element, `error: ${error.message}`, maxLines);
        }
    }
}

function appendLine(element, text, maxLines) {
    const line = document.createElement("div");
    line.className = "raw-line";
    const received = document.createElement("time");
    received.className = "raw-received";
    const now = new Date();
    received.dateTime = now.toISOString();
    received.textContent = arrival.format(now);
    const content = document.createElement("span");
    content.className = "raw-text";
    content.textContent = text;
    line.append(received, content);
    element.prepend(line);
    while (element.childElementCount > maxLines) {
        element.lastElementChild.remove();
    }
}

// Copies a command. The clipboard API needs a secure context (https or localhost); elsewhere the older
// selection-based copy still works.
export async function copy(text) {
    try {
        await navigator.clipboard.writeText(text);
        return true;
    } catch {
        const area = document.createElement("textarea");
        area.value = text;
        area.setAttribute("readonly", "");
        area.style.position = "fixed";
        area.style.opacity = "0";
        document.body.append(area);
        area.select();
        const copied = document.execCommand("copy");
        area.remove();
        return copied;
    }
}
