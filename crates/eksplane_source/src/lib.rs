//! Source files, spans, YAML/JSON parsing with positions and input limits.
