//! Recognises documents by content, decodes them into the model and merges one Platform.
