#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""An independent client of the fastmap-worker protocol (docs/protocol.md), for tst_workerprotocol.

It shares no code with Fastmap: it speaks HTTP/1.x over a plain socket by hand and encodes and
decodes CBOR with the cbor2 module (Debian: python3-cbor2), the typed column blocks with struct.
Run it with Debian's interpreter, /usr/bin/python3.

    protocol_client.py --port PORT --token TOKEN --sha256 HEX [--max-request-bytes N] CASE...

It runs each CASE against a worker on 127.0.0.1 that serves the test.control plugin (input x,
integer; outputs twice, integer, and thread, text) and prints one JSON object per case and line:
what it sent, what came back (status, headers, the text or the decoded CBOR answer) and whether
the worker closed the connection. It judges nothing: the test that runs it compares. `--list`
prints the case names. Every socket operation has a timeout, so a case never hangs.
"""

import argparse
import json
import socket
import struct
import sys
import time

import cbor2

TIMEOUT = 10.0  # seconds for any one socket operation

FLOAT64, INT64, BOOL, TEXT = 0, 1, 2, 3


# --- CBOR pieces by hand, for what cbor2 will not write (a repeated key, an open-ended map) ---

def head(major, n):
    """A CBOR item head: major type and argument."""
    if n < 24:
        return bytes([major << 5 | n])
    for code, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if n < 1 << (8 * struct.calcsize(fmt)):
            return bytes([major << 5 | code]) + struct.pack(fmt, n)
    raise ValueError(n)


def cbor_map(pairs, indefinite=False):
    """A map of (key, value) pairs in this order, keys repeated as given."""
    body = b"".join(cbor2.dumps(k) + (v if isinstance(v, Raw) else cbor2.dumps(v)) for k, v in pairs)
    if indefinite:
        return b"\xbf" + body + b"\xff"
    return head(5, len(pairs)) + body


class Raw(bytes):
    """Bytes that are already CBOR, put into a map as they are."""


# --- the table encoding ---

def int64_column(values):
    return [INT64, len(values), b"", struct.pack("<%dq" % len(values), *values)]


def table(rows, columns):
    return [rows, columns]


def decode_column(column, rows):
    """One column of an answer, decoded from its blocks: a list of values (None for null)."""
    code, count, bitmap, data = column[0], column[1], column[2], column[3]
    assert count == rows, "column of %d rows in a table of %d" % (count, rows)
    nulls = set()
    if bitmap:
        words = struct.unpack("<%dQ" % (len(bitmap) // 8), bitmap)
        nulls = {r for r in range(rows) if words[r // 64] >> (r % 64) & 1}
    if code == FLOAT64:
        values = list(struct.unpack("<%dd" % rows, data))
    elif code == INT64:
        values = list(struct.unpack("<%dq" % rows, data))
    elif code == BOOL:
        values = [bool(b) for b in data]
    elif code == TEXT:
        ends = struct.unpack("<%dI" % rows, data)
        text, start, values = column[4], 0, []
        for end in ends:
            values.append(text[start:end].decode("utf-8"))
            start = end
    else:
        raise ValueError("type code %r" % code)
    return [None if r in nulls else v for r, v in enumerate(values)]


def decode_answer(body):
    """A 200 answer: its keys in order, the numbers, and the output table as lists of values."""
    answer = cbor2.loads(body)
    out = {"keys": list(answer.keys())}
    for key in ("v", "vcpuSeconds", "charge", "creditsLeft"):
        if key in answer:
            out[key] = answer[key]
    values, failures = answer["output"]
    rows, columns = values
    out["rows"] = rows
    out["columns"] = [decode_column(c, rows) for c in columns]
    out["types"] = [c[0] for c in columns]
    out["failures"] = [[row, message] for row, message in failures]
    return out


# --- HTTP by hand ---

class Connection:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.sock.settimeout(TIMEOUT)
        self.buffer = b""

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError("the worker closed the connection")
        self.buffer += chunk

    def read_answer(self):
        """Status, headers (lower-case names) and body of one answer (Content-Length framed)."""
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head_bytes, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head_bytes.decode("latin-1").split("\r\n")
        version, status = lines[0].split(" ", 2)[:2]
        headers = {}
        for line in lines[1:]:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(self.buffer) < length:
            self._fill()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return {"version": version, "status": int(status), "headers": headers, "body": body}

    def after_answer(self, follow_up):
        """What became of the connection after an answer: sends `follow_up` (another request) on
        it and returns ("open", its answer) when the worker answers it, ("closed", None) when the
        worker ended the connection instead (end of stream or reset), ("silent", None) when
        neither happened within TIMEOUT."""
        try:
            self.send(follow_up)
            return "open", self.read_answer()
        except (EOFError, ConnectionError):
            return "closed", None
        except socket.timeout:
            return "silent", None

    def close(self):
        self.sock.close()


def request_bytes(method, path, headers, body=b"", version="HTTP/1.1", content_length=None):
    lines = ["%s %s %s" % (method, path, version), "Host: 127.0.0.1"]
    for name, value in headers:
        lines.append("%s: %s" % (name, value))
    if content_length is None and (body or method == "POST"):
        content_length = len(body)
    if content_length is not None:
        lines.append("Content-Length: %d" % content_length)
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def summarize(answer):
    out = {"status": answer["status"], "headers": answer["headers"], "version": answer["version"]}
    body, ctype = answer["body"], answer["headers"].get("content-type", "")
    if answer["status"] == 200 and ctype == "application/cbor":
        out["answer"] = decode_answer(body)
    elif ctype.startswith("application/json"):
        out["json"] = json.loads(body)
    else:
        out["text"] = body.decode("utf-8", "replace")
    return out


# --- the cases ---

class Client:
    def __init__(self, args):
        self.port = args.port
        self.token = args.token
        self.sha256 = args.sha256
        self.max_request_bytes = args.max_request_bytes

    def auth(self, token=None):
        return [("Authorization", "Bearer " + (self.token if token is None else token))]

    def pairs(self, xs=(3, 4, -5), **override):
        """The (key, value) pairs of a good test.control batch, in the documented order, with
        values replaced by `override` (DROP leaves a key out)."""
        pairs = [
            ("v", 2),
            ("function", "test.control"),
            ("version", "1.0.0"),
            ("sha256", self.sha256),
            ("params", {}),
            ("columns", ["x"]),
            ("types", [INT64]),
            ("firstRow", 1000),
            ("failed", []),
            ("inputs", table(len(xs), [int64_column(list(xs))])),
        ]
        return [(k, override.get(k, v)) for k, v in pairs if override.get(k, v) is not DROP]

    def batch(self, **kw):
        return cbor_map(self.pairs(**kw))

    def exchange(self, data):
        """Sends `data` on a new connection, reads one answer and reports it, and what became of
        the connection ("connection": open, closed or silent; see Connection.after_answer)."""
        conn = Connection(self.port)
        try:
            try:
                conn.send(data)
            except ConnectionError:  # refused before all was sent: the answer may still be there
                pass
            out = summarize(conn.read_answer())
            out["connection"] = conn.after_answer(request_bytes("GET", "/v1/health", []))[0]
            return out
        finally:
            conn.close()

    def post(self, body, content_type="application/cbor", token=None, extra=(), version="HTTP/1.1"):
        headers = list(self.auth(token)) if token is not False else []
        if content_type is not None:
            headers.append(("Content-Type", content_type))
        headers.extend(extra)
        return self.exchange(request_bytes("POST", "/v1/batches", headers, body, version))

    # A good batch: rows 0..3 with x = 3, 4, -5, 10; row 1 failed on the client; fail_modulo 5
    # fails x = -5 and 10 on the worker ("element -5 is cursed").
    def case_valid(self):
        body = self.batch(xs=(3, 4, -5, 10), failed=[1], params={"fail_modulo": 5})
        return self.post(body)

    def case_keys_in_another_order(self):
        # "v" last and every other key reversed, but "types" still before "inputs".
        pairs = dict(self.pairs())
        order = ["types", "inputs", "failed", "firstRow", "columns", "params", "sha256", "version", "function", "v"]
        return self.post(cbor_map([(k, pairs[k]) for k in order]))

    def case_inputs_before_types(self):
        pairs = self.pairs()
        return self.post(cbor_map(pairs[:6] + [pairs[9], pairs[7], pairs[8], pairs[6]]))

    def case_unknown_key_is_skipped(self):
        return self.post(cbor_map(self.pairs() + [("later", {"a": [1, 2.5, "x"]})]))

    def case_content_type_with_parameters(self):
        return self.post(self.batch(), content_type="Application/CBOR; q=1")

    # Content-Type.
    def case_content_type_json(self):
        return self.post(self.batch(), content_type="application/json")

    def case_content_type_missing(self):
        return self.post(self.batch(), content_type=None)

    def case_content_type_octet_stream(self):
        return self.post(self.batch(), content_type="application/octet-stream")

    # Types of values.
    def case_first_row_text(self):
        return self.post(self.batch(firstRow="1000"))

    def case_first_row_float(self):
        return self.post(self.batch(firstRow=1000.0))

    def case_first_row_negative(self):
        return self.post(self.batch(firstRow=-1))

    def case_version_float(self):
        return self.post(self.batch(v=2.0))

    def case_version_text(self):
        return self.post(self.batch(v="2"))

    def case_function_integer(self):
        return self.post(self.batch(function=7))

    def case_columns_map(self):
        return self.post(self.batch(columns={"x": 1}))

    def case_columns_text(self):
        return self.post(self.batch(columns="x"))

    def case_types_text_item(self):
        return self.post(self.batch(types=["integer"]))

    def case_failed_map(self):
        return self.post(self.batch(failed={}))

    def case_failed_float_item(self):
        return self.post(self.batch(failed=[1.0]))

    def case_params_array(self):
        return self.post(self.batch(params=[]))

    def case_inputs_row_count_float(self):
        return self.post(self.batch(inputs=[3.0, [int64_column([3, 4, -5])]]))

    def case_inputs_map(self):
        return self.post(self.batch(inputs={"x": [3, 4, -5]}))

    def case_column_row_count_text(self):
        column = int64_column([3, 4, -5])
        column[1] = "3"
        return self.post(self.batch(inputs=[3, [column]]))

    def case_column_values_array(self):
        return self.post(self.batch(inputs=[3, [[INT64, 3, b"", [3, 4, -5]]]]))

    def case_param_text_for_integer(self):
        return self.post(self.batch(params={"delay_us": "5"}))

    def case_param_float_for_integer(self):
        return self.post(self.batch(params={"delay_us": 1.5}))

    def case_param_bool_for_integer(self):
        return self.post(self.batch(params={"delay_us": True}))

    def case_param_integer_for_bool(self):
        return self.post(self.batch(params={"throw_batch": 1}))

    def case_param_null(self):
        return self.post(self.batch(params={"delay_us": None}))

    def case_param_huge_integer(self):
        return self.post(self.batch(params={"delay_us": (1 << 64) - 1}))

    def case_param_unknown(self):
        return self.post(self.batch(params={"no_such": 1}))

    def case_param_map_value(self):
        return self.post(self.batch(params={"delay_us": {"a": 1}}))

    def case_param_name_integer(self):
        return self.post(cbor_map(self.pairs(params=DROP)[:4] + [("params", Raw(cbor_map([(1, 2)])))]
                                  + self.pairs(params=DROP)[4:]))

    def case_key_integer(self):
        return self.post(cbor_map(self.pairs() + [(7, "seven")]))

    # Repeated keys.
    def case_duplicate_function(self):
        pairs = self.pairs()
        return self.post(cbor_map(pairs[:2] + [("function", "test.control")] + pairs[2:]))

    def case_duplicate_inputs(self):
        pairs = self.pairs()
        return self.post(cbor_map(pairs + [pairs[-1]]))

    def case_duplicate_param(self):
        pairs = self.pairs(params=DROP)
        params = Raw(cbor_map([("delay_us", 1), ("delay_us", 2)]))
        return self.post(cbor_map(pairs[:4] + [("params", params)] + pairs[4:]))

    def case_duplicate_version_key(self):
        pairs = self.pairs()
        return self.post(cbor_map(pairs[:1] + [("v", 2)] + pairs[1:]))

    # Shape of the body.
    def case_missing_function(self):
        return self.post(self.batch(function=DROP))

    def case_missing_version_key(self):
        return self.post(self.batch(v=DROP))

    def case_indefinite_map(self):
        return self.post(cbor_map(self.pairs(), indefinite=True))

    def case_trailing_bytes(self):
        return self.post(self.batch() + cbor2.dumps(0))

    def case_empty_body(self):
        return self.post(b"")

    def case_protocol_1(self):
        return self.post(self.batch(v=1))

    # Order of the checks: the token first (from the headers), then the Content-Type and the
    # announced size, then the body.
    def case_no_token(self):
        return self.post(self.batch(), token=False)

    def case_unknown_token(self):
        return self.post(self.batch(), token="not-a-token")

    def case_no_token_wrong_content_type(self):
        return self.post(self.batch(), token=False, content_type="text/plain")

    def _head_only(self, headers, length):
        """Sends only the head of a POST announcing `length` bytes: an answer can then only come
        from the head. Times it."""
        conn = Connection(self.port)
        try:
            started = time.monotonic()
            conn.send(request_bytes("POST", "/v1/batches", headers, content_length=length))
            out = summarize(conn.read_answer())
            out["seconds"] = round(time.monotonic() - started, 3)
            out["connection"] = conn.after_answer(b"\0" * 1024)[0]  # more of the body
            return out
        finally:
            conn.close()

    def case_no_token_huge_announced(self):
        # 1 TB announced, nothing sent: the answer must come from the headers alone.
        return self._head_only([("Content-Type", "application/cbor")], 1 << 40)

    def case_unknown_token_huge_announced(self):
        return self._head_only(self.auth("not-a-token") + [("Content-Type", "application/cbor")], 1 << 40)

    def case_too_large_announced(self):
        return self._head_only(self.auth() + [("Content-Type", "application/cbor")], self.max_request_bytes + 1)

    def case_wrong_content_type_announced(self):
        return self._head_only(self.auth() + [("Content-Type", "application/json")], 100)

    def case_no_token_with_body_streaming(self):
        # A client that sends its body anyway: the answer still comes, and the connection ends.
        conn = Connection(self.port)
        try:
            conn.send(request_bytes("POST", "/v1/batches", [("Content-Type", "application/cbor")],
                                    content_length=8 << 20))
            sent, chunk, error = 0, b"\0" * 65536, None
            try:
                while sent < 8 << 20:
                    conn.send(chunk)
                    sent += len(chunk)
            except (ConnectionError, socket.timeout) as e:
                error = type(e).__name__
            out = summarize(conn.read_answer())
            out["sentBytes"] = sent
            out["sendError"] = error
            out["connection"] = conn.after_answer(b"\0" * 1024)[0]
            return out
        finally:
            conn.close()

    def case_too_large_body(self):
        # A body really over the limit (a valid batch would be too): 413 after reading it.
        rows = self.max_request_bytes // 8 + 1
        return self.post(self.batch(xs=range(rows)))

    # Connections.
    def _two_on_one(self, first_headers, version="HTTP/1.1"):
        """A batch with `first_headers`, then a second one (x = 21) on the same connection: the
        worker answers it ("connection": "open") or has closed the connection ("closed")."""
        conn = Connection(self.port)
        try:
            headers = self.auth() + [("Content-Type", "application/cbor")]
            conn.send(request_bytes("POST", "/v1/batches", headers + first_headers, self.batch(), version))
            out = summarize(conn.read_answer())
            state, second = conn.after_answer(
                request_bytes("POST", "/v1/batches", headers, self.batch(xs=(21,)), version))
            out["connection"] = state
            if second:
                out["second"] = summarize(second)
            return out
        finally:
            conn.close()

    def case_keep_alive(self):
        return self._two_on_one([])

    def case_connection_close(self):
        return self._two_on_one([("Connection", "close")])

    def case_connection_close_mixed_case(self):
        return self._two_on_one([("Connection", "Keep-Alive, CLOSE")])

    def case_http10(self):
        return self._two_on_one([], "HTTP/1.0")

    def case_http10_keep_alive(self):
        return self._two_on_one([("Connection", "keep-alive")], "HTTP/1.0")

    def case_connection_close_on_error(self):
        return self.post(b"\xff\x00garbage", extra=[("Connection", "close")])

    def case_connection_close_health(self):
        return self.exchange(request_bytes("GET", "/v1/health", [("Connection", "close")]))

    def case_http10_health(self):
        return self.exchange(request_bytes("GET", "/v1/health", [], version="HTTP/1.0"))

    def case_health(self):
        return self.exchange(request_bytes("GET", "/v1/health", []))

    def case_functions(self):
        return self.exchange(request_bytes("GET", "/v1/functions", self.auth()))

    def case_functions_no_token(self):
        return self.exchange(request_bytes("GET", "/v1/functions", []))

    def case_wrong_method(self):
        return self.exchange(request_bytes("GET", "/v1/batches", self.auth()))

    def case_unknown_path(self):
        return self.exchange(request_bytes("GET", "/v2/batches", self.auth()))


DROP = object()

CASES = sorted(name[5:].replace("_", "-") for name in dir(Client) if name.startswith("case_"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int)
    parser.add_argument("--token", default="")
    parser.add_argument("--sha256", default="")
    parser.add_argument("--max-request-bytes", type=int, default=64 << 20)
    parser.add_argument("--list", action="store_true")
    parser.add_argument("cases", nargs="*")
    args = parser.parse_args()
    if args.list:
        print("\n".join(CASES))
        return 0
    client = Client(args)
    for name in args.cases or CASES:
        if name not in CASES:
            print("unknown case %r; --list names them" % name, file=sys.stderr)
            return 2
        try:
            result = getattr(client, "case_" + name.replace("-", "_"))()
        except Exception as e:  # reported, so one broken case does not hide the others
            result = {"exception": "%s: %s" % (type(e).__name__, e)}
        result["case"] = name
        print(json.dumps(result, default=repr), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
