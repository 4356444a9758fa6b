from flask import Flask, jsonify, request, send_file
import io

from docvault.documents import DocumentError, open_document, save_document

app = Flask(__name__)


@app.post("/documents")
def upload():
    f = request.files.get("file")
    if f is None:
        return jsonify(error="no file"), 400
    try:
        doc = save_document(f.stream, f.filename or "upload", f.mimetype)
    except DocumentError as exc:
        return jsonify(error=str(exc)), 400
    return jsonify(id=doc.id, size=doc.size, sha256=doc.sha256), 201


@app.get("/documents/<doc_id>")
def download(doc_id: str):
    try:
        data = open_document(doc_id)
    except DocumentError:
        return jsonify(error="not found"), 404
    return send_file(io.BytesIO(data), download_name=doc_id)
