// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>

namespace fastmap {

// The framing between a job and its fastmap-host processes, over one local stream socket: each
// frame is a 4-byte little-endian length, a one-byte kind, then the payload. A batch request is
// BatchCodec's request body and a result its response body, so hosts and remote workers share
// one codec; see docs/protocol.md, "Function hosts".
namespace HostFrames {

enum Kind : char {
    Hello = 'H',  // host -> job, once at start: empty payload, or nothing at all if it cannot start
    Batch = 'B',  // job -> host: BatchCodec::encodeRequest
    Result = 'R', // host -> job: BatchCodec::encodeResponse
    Error = 'E',  // host -> job: UTF-8 text; the batch could not be run at all (not a crash)
};

// Frames larger than this are refused on read, so a garbled length cannot allocate the machine.
constexpr qint64 kMaxFrameBytes = qint64(1) << 31;

// Blocking helpers for the host's side (and tests); each returns false on EOF or an error.
bool writeFrame(int fd, Kind kind, const QByteArray &payload);
bool readFrame(int fd, Kind *kind, QByteArray *payload);

// The header for a payload, for the job's non-blocking writer.
QByteArray header(Kind kind, qint64 payloadBytes);

} // namespace HostFrames

} // namespace fastmap
