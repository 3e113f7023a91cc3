"""Write side: notes/ -> passages -> vectors -> the files in index/."""
from .build import Changes, IngestBusy, IngestReport, counted, diff_notes, ingest
from .config import DEFAULT_MODEL, Config
from .dialect import as_read, for_display, note_targets, resolve_note, searchable, wikilinks_as_words
from .encoder import Embedder, Encoder, EncoderError, load_encoder
from .links import REFERENCE_LINK, Link, is_web_url, note_links, note_path, unique_links
from .markdown import Unit, list_item_depth, new_parser, parse_note
from .notes import NoNotes, NoteHashes, NoteSet, read_note, read_notes
from .onnx import OnnxEncoder, load_exported_encoder
from .passages import Passage, passage_document, split_note
from .store import (
    IndexCorrupt,
    IndexData,
    IndexMissing,
    IndexUnusable,
    IndexWriteFailed,
    Manifest,
    embedding_scheme,
    read_index,
    read_manifest,
)

__all__ = [
    "Changes", "Config", "DEFAULT_MODEL", "as_read", "Embedder", "Encoder", "EncoderError", "IndexCorrupt", "IndexData",
    "IndexMissing", "IndexUnusable", "IndexWriteFailed", "IngestBusy", "IngestReport", "Link", "Manifest", "NoNotes",
    "NoteHashes", "NoteSet", "OnnxEncoder", "Passage", "Unit", "counted", "diff_notes", "embedding_scheme",
    "for_display", "ingest", "is_web_url", "list_item_depth", "load_encoder", "load_exported_encoder", "new_parser",
    "note_links", "note_path", "note_targets", "parse_note", "passage_document", "read_index", "read_manifest",
    "REFERENCE_LINK", "read_note", "read_notes", "resolve_note", "searchable", "split_note", "unique_links",
    "wikilinks_as_words",
]
