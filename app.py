"""Ask my notes: the Gradio page. Wiring only; the work happens in ask/ and ingest/."""
from __future__ import annotations

import os

import gradio as gr

from ask import QuestionError
from ask.chat import NotesChat
from ingest import Config


def build_ui(config: Config) -> gr.Blocks:
    chat = NotesChat(config)  # model and index loaded once, not per request

    def respond(question: str, history: list[dict]):
        try:
            history, sources = chat.reply(question, history or [])
        except QuestionError as error:
            raise gr.Error(str(error)) from None
        return history, sources, chat.status(), ""

    def ask(question: str) -> dict:
        """Answer, passages and links as JSON (for gradio_client)."""
        try:
            return chat.api_answer(question)
        except QuestionError as error:
            raise gr.Error(str(error)) from None

    def reingest(progress=gr.Progress()):
        message = chat.reingest(lambda done, total, stage: progress((done, total or None), desc=stage))
        return message, chat.status()

    with gr.Blocks(title="Ask my notes") as demo:
        gr.Markdown("# Ask my notes\nAnswers quoted from your Markdown notes, with sources. "
                    "When the notes don't say, it tells you.")
        status = gr.Markdown(chat.status(), elem_id="status")
        with gr.Row():
            with gr.Column(scale=3):
                conversation = gr.Chatbot(label="Conversation", height=460, elem_id="conversation")
                question = gr.Textbox(label="Question", placeholder="e.g. how do Redis consumer groups differ from Kafka's?",
                                      elem_id="question", submit_btn=True)
                gr.Examples(chat.examples() or ["What do my notes say about caching?"], inputs=question)
            with gr.Column(scale=2):
                gr.Markdown("### Sources")
                sources = gr.Markdown("_Ask a question to see the passages it comes from._", elem_id="sources")
                reingest_button = gr.Button("Re-ingest notes", elem_id="reingest")
                ingest_log = gr.Markdown(chat.startup, elem_id="ingest-log")
        question.submit(respond, [question, conversation], [conversation, sources, status, question],
                        api_name="chat")
        reingest_button.click(reingest, None, [ingest_log, status], api_name="reingest")
        gr.api(ask, api_name="ask")
        gr.Timer(10).tick(chat.status, None, status, api_visibility="private")
    return demo


if __name__ == "__main__":
    build_ui(Config.from_env()).launch(
        server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
        server_port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")))
