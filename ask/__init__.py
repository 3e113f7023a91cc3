"""Read side: question -> retrieval -> an answer with citations, or "your notes don't cover this"."""
from .abstain import Coverage, assess
from .answer import Answer, Quote, compose_answer
from .asker import Asker, IndexMismatch, QuestionError
from .followup import is_follow_up, standalone_question
from .render import answer_html, answer_text, escape, note_html, question_html, sources_html
from .retrieve import Hit, Retriever

__all__ = ["Answer", "Asker", "Coverage", "Hit", "IndexMismatch", "QuestionError", "Quote", "Retriever",
           "answer_html", "answer_text", "assess", "compose_answer", "escape", "is_follow_up", "note_html",
           "question_html", "sources_html", "standalone_question"]
