// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <fastmap/Function.h>

#include <QByteArray>
#include <QStringList>
#include <QVariantMap>

namespace fastmap {

// The body of POST /v1/batches: one batch of one function, in CBOR. See docs/protocol.md.
struct BatchRequest
{
    QString functionId;
    QString functionVersion;
    QString pluginSha256; // the client's plugin hash; a worker with another build refuses the batch
    QVariantMap params;
    QStringList columns; // the function's inputs, in metadata order
    qint64 firstRow = 0;
    Table rows;          // columns.size() wide
};

// The worker's answer: one output row per input row, the failed elements, and what it cost.
struct BatchResponse
{
    BatchOutput output;
    double vcpuSeconds = 0; // CPU time the worker spent on this batch
    double charge = 0;      // in USD, at the worker's price
    double creditsLeft = -1; // USD left on the token after this batch; -1 when the worker keeps no credits
};

// Encodes and strictly decodes the CBOR bodies. Decoding checks the shape and every count, so
// a truncated, garbled or lying answer is an error with a reason, never a crash or a wrong row.
class BatchCodec
{
public:
    static constexpr int kProtocolVersion = 1;

    static QByteArray encodeRequest(const BatchRequest &request);
    static bool decodeRequest(const QByteArray &body, BatchRequest *request, QString *error);

    static QByteArray encodeResponse(const BatchResponse &response);
    // `rows` and `outputColumns` are what the request asked for; any other shape is refused.
    static bool decodeResponse(const QByteArray &body, int rows, int outputColumns, BatchResponse *response,
                               QString *error);
};

} // namespace fastmap
