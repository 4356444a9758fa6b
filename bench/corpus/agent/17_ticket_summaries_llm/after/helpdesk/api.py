from flask import Flask, abort, jsonify

from helpdesk.summarize import summarize_ticket
from helpdesk.tickets import get_ticket, save_ticket

app = Flask(__name__)


@app.get("/api/tickets/<int:ticket_id>")
def ticket_detail(ticket_id: int):
    ticket = get_ticket(ticket_id)
    if ticket is None:
        abort(404)
    previous = ticket.summary_message_count
    data = ticket.to_dict()
    data["summary"] = summarize_ticket(ticket)
    if ticket.summary_message_count != previous:
        save_ticket(ticket)
    return jsonify(data)
