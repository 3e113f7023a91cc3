"""Read side: question -> retrieval -> an answer with citations, or "your notes don't cover this"."""
from .abstain import Coverage, assess
from .answer import Answer, Quote, compose_answer
from .asker import Asker, IndexMismatch, QuestionError
from .followup import is_follow_up, standalone_question
from .render import answer_markdown, escape, sources_markdown
from .retrieve import Hit, Retriever

__all__ = ["Answer", "Asker", "Coverage", "Hit", "IndexMismatch", "QuestionError", "Quote", "Retriever",
           "answer_markdown", "assess", "compose_answer", "escape", "is_follow_up", "sources_markdown",
           "standalone_question"]
