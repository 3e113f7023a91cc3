"""Write side: notes/ -> passages -> vectors -> the files in index/."""
from .build import Changes, IngestBusy, IngestReport, counted, diff_notes, index_status, ingest, passage_document
from .config import DEFAULT_MODEL, Config
from .encoder import Encoder, EncoderError, load_encoder
from .links import Link, is_web_url
from .markdown import Unit, parse_note
from .notes import NoNotes, NoteSet, read_notes
from .passages import Passage, split_note
from .store import IndexCorrupt, IndexData, IndexMissing, IndexUnusable, read_index, read_manifest

__all__ = [
    "Changes", "Config", "DEFAULT_MODEL", "Encoder", "EncoderError", "IndexCorrupt", "IndexData", "IndexMissing",
    "IndexUnusable", "IngestBusy", "IngestReport", "Link", "NoNotes", "NoteSet", "Passage", "Unit", "counted",
    "diff_notes",
    "index_status", "ingest", "is_web_url", "load_encoder", "parse_note", "passage_document", "read_index",
    "read_manifest", "read_notes", "split_note",
]
