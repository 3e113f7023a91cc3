"""Ask my notes: the Gradio page. Wiring only; the work happens in ask/ and ingest/."""
from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no calls home unless asked for

import gradio as gr
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from ask import QuestionError
from ask.chat import NotAllowed, NotesChat
from ask.http import RequestLimits
from ask.limits import client_of
from ask.pages import CONTENT_SECURITY_POLICY
from ask.render import escape, sources_html
from ingest import Config

HERE = os.path.dirname(os.path.abspath(__file__))
# The chat would show the end of a long answer; its start, and the question, matter more.
SCROLL_TO_NEWEST_QUESTION = """() => {
  const rows = document.querySelectorAll('#conversation [data-testid="user"]');
  if (!rows.length) return;
  const row = rows[rows.length - 1];
  row.scrollIntoView({block: 'start', behavior: 'instant'});
  for (let box = row.parentElement; box; box = box.parentElement) {
    if (box.scrollHeight > box.clientHeight + 1 && getComputedStyle(box).overflowY.match(/auto|scroll/)) {
      box.scrollTop = Math.max(0, box.scrollTop - 56); break;  // clear of the chat's own toolbar
    }
  }
  window.scrollBy(0, -8);
}"""


def build_ui(config: Config) -> tuple[gr.Blocks, list[Route]]:
    """The page, and the routes that show a note and the list of notes."""
    chat = NotesChat(config)  # model and index loaded once, not per request
    needs_token = bool(config.admin_token)

    def respond(question: str, history: list[dict], asked: list[str], request: gr.Request):
        if not isinstance(question, str) or not question.strip():
            gr.Warning("Type a question first.")
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        try:
            reply = chat.reply(question, history or [], asked or [], _client(request))
        except (QuestionError, NotAllowed) as error:
            gr.Warning(escape(str(error)))
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        return reply.history, reply.sources, _line(chat.status()), "", reply.asked

    def ask(question: str, request: gr.Request) -> dict:
        """Answer, passages and links as JSON (for gradio_client)."""
        try:
            return chat.api_answer(question, _client(request))
        except (QuestionError, NotAllowed) as error:
            raise gr.Error(escape(str(error))) from None

    def retry(history: list[dict], asked: list[str], request: gr.Request):
        if not asked:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        return respond(asked[-1], (history or [])[:-2], asked[:-1], request)

    def undo(history: list[dict], asked: list[str]):
        if not asked:
            return gr.skip(), gr.skip(), gr.skip()
        return (history or [])[:-2], asked[-1], asked[:-1]

    def reingest(token: str, progress=gr.Progress()) -> str:
        """Re-read the notes and update the index; one line on what it did (for the page and the API)."""
        try:
            message = chat.reingest(token, lambda done, total, stage: progress(
                (done, total or None), desc=stage, unit="passages"))
        except NotAllowed as error:
            message = f"⚠ {error}"
        return _line(message)

    def after_reingest():
        return (gr.Button("Re-ingest notes", interactive=True), _line(chat.status()),
                gr.Dataset(samples=[[q] for q in chat.examples()]))

    with gr.Blocks(title="Ask my notes") as demo:
        gr.Markdown("# Ask my notes\nAnswers quoted from your Markdown notes, with sources. When the notes "
                    "don't say, it tells you. [Browse your notes](notes)", elem_id="intro")
        with gr.Row(elem_id="index-bar", equal_height=True):
            status = gr.HTML(_line(chat.status()), elem_id="status", scale=6)
            token = gr.Textbox("", label="Admin token", type="password", visible=needs_token, scale=1, elem_id="token",
                               min_width=140)
            reingest_button = gr.Button("Re-ingest notes", elem_id="reingest", scale=0, min_width=150, size="md")
        ingest_log = gr.HTML(_line(chat.startup), elem_id="ingest-log")
        asked = gr.State([])
        with gr.Row():
            with gr.Column(scale=3):
                conversation = gr.Chatbot(label="Conversation", height=480, elem_id="conversation",
                                          latex_delimiters=[], autoscroll=False, buttons=["copy", "copy_all"])
                question = gr.Textbox(label="Question", placeholder="e.g. how do Redis consumer groups differ from "
                                      "Kafka's?", elem_id="question", submit_btn="Ask", max_length=2000)
                examples = gr.Dataset(label="Examples from your notes", components=[question], elem_id="examples",
                                      samples=[[q] for q in chat.examples()])
            with gr.Column(scale=2):
                gr.Markdown("## Sources", elem_id="sources-title")
                sources = gr.HTML(sources_html(None), elem_id="sources")
        chat_outputs = [conversation, sources, status, question, asked]
        question.submit(respond, [question, conversation, asked], chat_outputs, api_name="chat").then(
            None, js=SCROLL_TO_NEWEST_QUESTION)
        examples.click(lambda sample: sample[0], examples, question, api_visibility="private").then(
            respond, [question, conversation, asked], chat_outputs, api_visibility="private").then(
            None, js=SCROLL_TO_NEWEST_QUESTION)
        conversation.clear(lambda: (sources_html(None), []), None, [sources, asked], api_visibility="private")
        conversation.retry(retry, [conversation, asked], chat_outputs, api_visibility="private")
        conversation.undo(undo, [conversation, asked], [conversation, question, asked], api_visibility="private")
        reingest_button.click(lambda: gr.Button("Re-ingesting…", interactive=False), None, reingest_button,
                              api_visibility="private").then(
            reingest, token, ingest_log, api_name="reingest").then(
            after_reingest, None, [reingest_button, status, examples], api_visibility="private")
        gr.api(ask, api_name="ask")
        gr.Timer(10).tick(lambda: _line(chat.status()), None, status, api_visibility="private")

    def note(request: Request) -> HTMLResponse:
        try:
            lines = (int(request.query_params["from"]), int(request.query_params["to"]))
        except (KeyError, ValueError):
            lines = None
        try:
            return _page(chat.note_page(request.query_params.get("doc", ""), lines, _client(request)))
        except (FileNotFoundError, ValueError) as error:
            return _page(f"<p>{escape(chat.public(str(error)))}</p>", 404)
        except NotAllowed as error:
            return _page(f"<p>{escape(str(error))}</p>", 429)

    def notes(request: Request) -> HTMLResponse:
        try:
            return _page(chat.notes_page())
        except FileNotFoundError as error:
            return _page(f"<p>{escape(str(error))}</p>", 404)

    return demo, [Route("/note", note), Route("/notes", notes)]


def _client(request: gr.Request | Request | None) -> str:
    if request is None:
        return "local"
    return client_of(getattr(request.client, "host", None), request.headers.get("x-forwarded-for"))


def _line(text: str) -> str:
    return f"<p>{escape(text)}</p>"


def _page(html: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(html, status, headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY,
                                               "X-Content-Type-Options": "nosniff"})


if __name__ == "__main__":
    page, routes = build_ui(Config.from_env())
    page.queue(default_concurrency_limit=2).launch(
        server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
        server_port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
        max_file_size="1kb", footer_links=["api"], run_history=False,
        css_paths=[os.path.join(HERE, "ask", "page.css")],
        app_kwargs={"middleware": [Middleware(RequestLimits)], "routes": routes})
