"""Ask my notes: the Gradio page. Wiring only; the work happens in ask/ and ingest/."""
from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no calls home unless asked for

import gradio as gr  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402

from ask import QuestionError  # noqa: E402
from ask.chat import NotesChat  # noqa: E402
from ask.http import RequestLimits  # noqa: E402
from ask.render import escape, sources_html  # noqa: E402
from ingest import Config  # noqa: E402


def build_ui(config: Config) -> gr.Blocks:
    chat = NotesChat(config)  # model and index loaded once, not per request

    def respond(question: str, history: list[dict], asked: list[str]):
        if not isinstance(question, str) or not question.strip():
            gr.Warning("Type a question first.")
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        try:
            reply = chat.reply(question, history or [], asked or [])
        except QuestionError as error:
            raise gr.Error(escape(str(error))) from None
        return reply.history, reply.sources, _line(chat.status()), "", reply.asked

    def ask(question: str) -> dict:
        """Answer, passages and links as JSON (for gradio_client)."""
        try:
            return chat.api_answer(question)
        except QuestionError as error:
            raise gr.Error(escape(str(error))) from None

    def reingest(progress=gr.Progress()):
        message = chat.reingest(lambda done, total, stage: progress((done, total or None), desc=stage))
        return message, _line(chat.status())

    with gr.Blocks(title="Ask my notes") as demo:
        gr.Markdown("# Ask my notes\nAnswers quoted from your Markdown notes, with sources. "
                    "When the notes don't say, it tells you.")
        status = gr.HTML(_line(chat.status()), elem_id="status")
        asked = gr.State([])
        with gr.Row():
            with gr.Column(scale=3):
                conversation = gr.Chatbot(label="Conversation", height=460, elem_id="conversation",
                                          latex_delimiters=[])
                question = gr.Textbox(label="Question", placeholder="e.g. how do Redis consumer groups differ from Kafka's?",
                                      elem_id="question", submit_btn=True, max_length=2000)
                gr.Examples(chat.examples() or ["What do my notes say about caching?"], inputs=question)
            with gr.Column(scale=2):
                gr.Markdown("### Sources")
                sources = gr.HTML(sources_html(None), elem_id="sources")
                reingest_button = gr.Button("Re-ingest notes", elem_id="reingest")
                ingest_log = gr.HTML(_line(chat.startup), elem_id="ingest-log")
        question.submit(respond, [question, conversation, asked], [conversation, sources, status, question, asked],
                        api_name="chat")
        reingest_button.click(reingest, None, [ingest_log, status], api_name="reingest")
        gr.api(ask, api_name="ask")
        gr.Timer(10).tick(lambda: _line(chat.status()), None, status, api_visibility="private")
    return demo


def _line(text: str) -> str:
    return f"<p>{escape(text)}</p>"


if __name__ == "__main__":
    build_ui(Config.from_env()).launch(
        server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
        server_port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
        max_file_size="1kb", app_kwargs={"middleware": [Middleware(RequestLimits)]})
