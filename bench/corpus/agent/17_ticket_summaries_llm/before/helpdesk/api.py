from flask import Flask, abort, jsonify

from helpdesk.tickets import get_ticket

app = Flask(__name__)


@app.get("/api/tickets/<int:ticket_id>")
def ticket_detail(ticket_id: int):
    ticket = get_ticket(ticket_id)
    if ticket is None:
        abort(404)
    return jsonify(ticket.to_dict())
