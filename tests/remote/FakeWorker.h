// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A scripted stand-in for fastmap-worker, serving test.control's contract on 127.0.0.1 from its
// own thread, that can turn bad on cue: garbage, truncation, errors, hangs, lies, another
// protocol. It speaks protocol 2 through BatchCodec, so a good answer is what a worker sends.
#include "util/BatchCodec.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>
#include <QHttpServer>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonObject>
#include <QMutex>
#include <QThread>

#include <atomic>
#include <memory>
#include <vector>

class FakeWorker : public QObject
{
    Q_OBJECT
public:
    enum class Mode {
        Good, Garbage, Truncated, ServerError, Hang, Unauthorized, PaymentRequired, Lie, FailRow13,
        WrongType,    // the first output column as float64, not the integer the client asked for
        VersionOne,   // a 200 in the old protocol's shape
    };

    // `protocol` is what /v1/health says; the batches are always protocol 2.
    FakeWorker(const QString &sha256, double pricePerVcpuHour = 0, int threads = 2,
               int protocol = fastmap::BatchCodec::kProtocolVersion)
        : m_sha256(sha256), m_price(pricePerVcpuHour), m_threads(threads), m_protocol(protocol)
    {
        m_thread.start();
        moveToThread(&m_thread);
        QMetaObject::invokeMethod(this, [this] { setUp(); }, Qt::BlockingQueuedConnection);
    }
    ~FakeWorker() override
    {
        QMetaObject::invokeMethod(this, [this] {
            m_hung.clear();
            m_server.reset();
        }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }

    QString url() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    // Serves `goodFirst` batches well, then behaves as `mode`.
    void setMode(Mode mode, int goodFirst = 0)
    {
        m_mode = mode;
        m_goodFirst = goodFirst;
    }
    void setDelayPerElementUs(int us) { m_delayUs = us; }
    int batchesServed() const { return m_served; }
    int requests() const { return m_requests; }
    int hanging() const { return m_hanging; } // requests held unanswered in Hang mode

private:
    void setUp()
    {
        m_server = std::make_unique<QHttpServer>();
        m_server->route(QStringLiteral("/v1/health"), [this] {
            return QHttpServerResponse(QJsonObject{{"status", "ok"}, {"protocol", m_protocol}, {"threads", m_threads},
                                                   {"busy", 0}, {"pricePerVcpuHour", m_price}});
        });
        m_server->route(QStringLiteral("/v1/functions"), [this] {
            const QJsonObject f{{"id", "test.control"}, {"version", "1.0.0"}, {"sha256", m_sha256},
                                {"inputs", QJsonArray{"x"}}, {"outputs", QJsonArray{"twice", "thread"}}};
            return QHttpServerResponse(QJsonObject{{"functions", QJsonArray{f}}});
        });
        m_server->route(QStringLiteral("/v1/batches"), QHttpServerRequest::Method::Post,
                        [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                            answer(request, std::move(responder));
                        });
        m_port = m_server->listen(QHostAddress::LocalHost, 0);
    }

    void answer(const QHttpServerRequest &request, QHttpServerResponder &&responder)
    {
        ++m_requests;
        fastmap::BatchRequest batch;
        QString error;
        if (!fastmap::BatchCodec::decodeRequest(request.body(), &batch, &error)) {
            responder.write(error.toUtf8(), "text/plain", QHttpServerResponder::StatusCode::BadRequest);
            return;
        }
        using fastmap::ColumnType;
        const int rows = batch.inputs.rowCount();
        fastmap::BatchResponse response;
        response.output = fastmap::BatchOutput({ColumnType::Int64, ColumnType::Text}, rows);
        fastmap::Table &out = response.output.values();
        bool hasThirteen = false;
        for (int r = 0; r < rows; ++r) {
            const qint64 x = batch.inputs.integers(0)[std::size_t(r)];
            hasThirteen = hasThirteen || x == 13;
            out.integers(0)[std::size_t(r)] = 2 * x;
            out.setText(1, r, std::string_view("fake"));
        }
        for (int row : batch.failedRows)
            response.output.fail(row, QStringLiteral("the worker's own message"));
        if (m_delayUs > 0)
            QThread::usleep(quint64(m_delayUs.load()) * quint64(rows));
        response.vcpuSeconds = rows * qMax(1, m_delayUs.load()) * 1e-6;
        response.charge = response.vcpuSeconds / 3600 * m_price;
        const QByteArray good = fastmap::BatchCodec::encodeResponse(response);
        const Mode mode = m_requests <= m_goodFirst ? Mode::Good : m_mode.load();
        switch (mode) {
        case Mode::Good:
            ++m_served;
            responder.write(good, "application/cbor");
            return;
        case Mode::FailRow13:
            if (!hasThirteen) {
                ++m_served;
                responder.write(good, "application/cbor");
                return;
            }
            responder.write("boom", "text/plain", QHttpServerResponder::StatusCode::InternalServerError);
            return;
        case Mode::Garbage: responder.write("\xff\x00garbage", "application/cbor"); return;
        case Mode::Truncated: responder.write(good.left(good.size() / 2), "application/cbor"); return;
        case Mode::ServerError: responder.write("internal error", "text/plain", QHttpServerResponder::StatusCode::InternalServerError); return;
        case Mode::Unauthorized: responder.write("bad token", "text/plain", QHttpServerResponder::StatusCode::Unauthorized); return;
        case Mode::PaymentRequired: responder.write("no credits left", "text/plain", QHttpServerResponder::StatusCode::PaymentRequired); return;
        case Mode::Lie: {
            fastmap::BatchResponse fewer;
            fewer.output = fastmap::BatchOutput({ColumnType::Int64, ColumnType::Text}, qMax(0, rows - 1));
            responder.write(fastmap::BatchCodec::encodeResponse(fewer), "application/cbor");
            return;
        }
        case Mode::WrongType: {
            fastmap::BatchResponse floats;
            floats.output = fastmap::BatchOutput({ColumnType::Float64, ColumnType::Text}, rows);
            responder.write(fastmap::BatchCodec::encodeResponse(floats), "application/cbor");
            return;
        }
        case Mode::VersionOne: {
            QCborArray outputs;
            for (int r = 0; r < rows; ++r)
                outputs.append(QCborArray{qint64(out.integers(0)[std::size_t(r)]), QStringLiteral("fake")});
            const QCborMap old{{QStringLiteral("v"), 1}, {QStringLiteral("outputs"), outputs},
                               {QStringLiteral("errors"), QCborArray{}}, {QStringLiteral("vcpuSeconds"), 0.0},
                               {QStringLiteral("charge"), 0.0}};
            responder.write(old.toCborValue().toCbor(), "application/cbor");
            return;
        }
        case Mode::Hang:
            m_hung.push_back(std::make_unique<QHttpServerResponder>(std::move(responder)));
            m_hanging = int(m_hung.size());
            return;
        }
    }

    QThread m_thread;
    std::unique_ptr<QHttpServer> m_server;
    std::vector<std::unique_ptr<QHttpServerResponder>> m_hung;
    QString m_sha256;
    double m_price;
    int m_threads;
    int m_protocol;
    quint16 m_port = 0;
    std::atomic<Mode> m_mode{Mode::Good};
    std::atomic<int> m_goodFirst{0};
    std::atomic<int> m_delayUs{0};
    std::atomic<int> m_served{0};
    std::atomic<int> m_requests{0};
    std::atomic<int> m_hanging{0};
};
