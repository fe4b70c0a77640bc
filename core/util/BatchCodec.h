// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <fastmap/Function.h>

#include <QByteArray>
#include <QStringList>
#include <QVariantMap>

#include <vector>

namespace fastmap {

// The body of POST /v1/batches: one batch of one function, in CBOR. See docs/protocol.md.
struct BatchRequest
{
    QString functionId;
    QString functionVersion;
    QString pluginSha256; // the client's plugin hash; a worker with another build refuses the batch
    QVariantMap params;
    QStringList columns;  // the function's inputs, in metadata order; their types are inputs.types()
    qint64 firstRow = 0;
    Table inputs;         // columns.size() typed columns
    // Rows whose input did not convert on the client, ascending: the worker hands them to the
    // function already failed, as the local path does, and the client keeps its own message.
    std::vector<int> failedRows;
};

// The worker's answer: one output row per input row, the failed elements, and what it cost.
struct BatchResponse
{
    BatchOutput output;
    double vcpuSeconds = 0;  // CPU time the worker spent on this batch
    double charge = 0;       // in USD, at the worker's price
    double creditsLeft = -1; // USD left on the token after this batch; -1 when the worker keeps no credits
};

// Encodes and strictly decodes the CBOR bodies, whose columns are TableCodec blocks. Decoding
// checks the version first, then the shape and every count, so a truncated, garbled or lying
// body is an error with a reason, never a crash or a wrong row.
class BatchCodec
{
public:
    // 2: typed columns as raw blocks (TableCodec). 1 was one CBOR value per cell.
    static constexpr int kProtocolVersion = 2;
    // A client keeps this many batches per worker thread in flight, so that one batch's transfer
    // overlaps another's compute; the worker queues that many before it answers 503.
    static constexpr int kBatchesPerThread = 2;

    static QByteArray encodeRequest(const BatchRequest &request);
    static bool decodeRequest(const QByteArray &body, BatchRequest *request, QString *error);

    static QByteArray encodeResponse(const BatchResponse &response);
    // The worker's split of encodeResponse: the outputs on the thread that ran the batch, the
    // envelope (charge and credits, known only once the ledger has the batch) on the event loop,
    // which then only copies the encoded outputs into place.
    static QByteArray encodeOutput(const BatchOutput &output);
    static QByteArray encodeResponse(double vcpuSeconds, double charge, double creditsLeft,
                                     const QByteArray &encodedOutput);
    // `rows` and `outputTypes` are what the request asked for; any other shape is refused.
    static bool decodeResponse(const QByteArray &body, int rows, const std::vector<ColumnType> &outputTypes,
                               BatchResponse *response, QString *error);

    // The "v" of a body (a CBOR map), or -1 with a reason when it has none.
    static int versionOf(const QByteArray &body, QString *error);
};

} // namespace fastmap
