// SPDX-License-Identifier: GPL-3.0-or-later
#include "host/HostFrames.h"

#include <cerrno>
#include <cstdint>
#include <sys/socket.h>
#include <unistd.h>

namespace fastmap::HostFrames {

namespace {

bool writeAll(int fd, const char *data, qint64 size)
{
    while (size > 0) {
        // MSG_NOSIGNAL: a job that went away must not kill the host with SIGPIPE mid-write.
        const ssize_t n = ::send(fd, data, std::size_t(size), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        size -= n;
    }
    return true;
}

bool readAll(int fd, char *data, qint64 size)
{
    while (size > 0) {
        const ssize_t n = ::read(fd, data, std::size_t(size));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        size -= n;
    }
    return true;
}

} // namespace

QByteArray header(Kind kind, qint64 payloadBytes)
{
    const auto length = std::uint32_t(payloadBytes + 1);
    QByteArray bytes(5, Qt::Uninitialized);
    for (int i = 0; i < 4; ++i)
        bytes[i] = char((length >> (8 * i)) & 0xffu);
    bytes[4] = char(kind);
    return bytes;
}

bool writeFrame(int fd, Kind kind, const QByteArray &payload)
{
    const QByteArray head = header(kind, payload.size());
    return writeAll(fd, head.constData(), head.size()) && writeAll(fd, payload.constData(), payload.size());
}

bool readFrame(int fd, Kind *kind, QByteArray *payload)
{
    unsigned char head[5];
    if (!readAll(fd, reinterpret_cast<char *>(head), 5))
        return false;
    const std::uint32_t length = std::uint32_t(head[0]) | std::uint32_t(head[1]) << 8 |
                                 std::uint32_t(head[2]) << 16 | std::uint32_t(head[3]) << 24;
    if (length < 1 || length > kMaxFrameBytes)
        return false;
    *kind = Kind(head[4]);
    payload->resize(qsizetype(length - 1));
    return readAll(fd, payload->data(), length - 1);
}

} // namespace fastmap::HostFrames
