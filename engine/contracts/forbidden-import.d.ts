// The engine tsconfig maps `electron`, `react` and `react-dom` here, so any named import of them
// from engine/ fails to compile ("has no exported member"). The engine runs in plain Node and
// must never depend on the desktop shell or the UI (DESIGN.md, dependency direction).
export {}
