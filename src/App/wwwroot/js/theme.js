// Remembers the palette the user chose, for a year, so the server renders the next page in it (no flash).
export function remember(dark) {
    document.cookie = `TributaryTheme=${dark ? "dark" : "light"}; path=/; max-age=31536000; samesite=strict`;
}
