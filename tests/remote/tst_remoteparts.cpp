// SPDX-License-Identifier: GPL-3.0-or-later
// The client side's small parts: the protocol's CBOR bodies (version 2, typed columns), the cost
// model, endpoints and the workers file.
#include "util/BatchCodec.h"
#include "engine/CostModel.h"
#include "remote/WorkerEndpoint.h"
#include "remote/WorkersFile.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>
#include <QHostInfo>
#include <QNetworkInterface>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <limits>

using namespace fastmap;

namespace {

const std::vector<ColumnType> kOutputTypes{ColumnType::Float64, ColumnType::Text};

// A map with its keys in the given order (QCborMap keeps the order they were inserted in).
QByteArray mapOf(const QList<std::pair<QString, QCborValue>> &entries)
{
    QCborMap map;
    for (const auto &[key, value] : entries)
        map.insert(key, value);
    return map.toCborValue().toCbor();
}

QByteArray withKey(const QByteArray &body, const QString &key, const QCborValue &value)
{
    QCborMap map = QCborValue::fromCbor(body).toMap();
    if (value.isUndefined())
        map.remove(key);
    else
        map.insert(key, value);
    return map.toCborValue().toCbor();
}

} // namespace

class TestRemoteParts : public QObject
{
    Q_OBJECT

    static BatchResponse sampleResponse()
    {
        BatchResponse r;
        r.output = BatchOutput(kOutputTypes, 3);
        Table &t = r.output.values();
        t.doubles(0)[0] = 1.5;
        t.setText(1, 0, QStringLiteral("ä"));
        t.doubles(0)[1] = -7;
        t.setNull(1, 1);
        r.output.fail(2, QStringLiteral("bad element"));
        r.vcpuSeconds = 0.25;
        r.charge = 0.01;
        r.creditsLeft = 4.5;
        return r;
    }

    static BatchRequest sampleRequest()
    {
        BatchRequest request;
        request.functionId = QStringLiteral("geo.haversine");
        request.functionVersion = QStringLiteral("1.0.0");
        request.pluginSha256 = QStringLiteral("ab12");
        request.params = {{"radius_km", 6371.0}, {"flag", true}, {"name", "x"}};
        request.columns = {"a", "b"};
        request.firstRow = 1000;
        request.inputs = Table({ColumnType::Int64, ColumnType::Text}, 3);
        request.inputs.integers(0)[0] = 1;
        request.inputs.setText(1, 0, QStringLiteral("two, \"2\""));
        request.inputs.integers(0)[1] = std::numeric_limits<qint64>::min();
        request.inputs.setNull(1, 1);
        request.failedRows = {2};
        return request;
    }

private slots:
    void requestRoundTrip()
    {
        const BatchRequest request = sampleRequest();
        BatchRequest decoded;
        QString error;
        QVERIFY2(BatchCodec::decodeRequest(BatchCodec::encodeRequest(request), &decoded, &error), qPrintable(error));
        QCOMPARE(decoded.functionId, request.functionId);
        QCOMPARE(decoded.functionVersion, request.functionVersion);
        QCOMPARE(decoded.pluginSha256, request.pluginSha256);
        QCOMPARE(decoded.params.value("radius_km").toDouble(), 6371.0);
        QCOMPARE(decoded.params.value("flag").toBool(), true);
        QCOMPARE(decoded.params.value("name").toString(), QStringLiteral("x"));
        QCOMPARE(decoded.columns, request.columns);
        QCOMPARE(decoded.firstRow, 1000);
        QCOMPARE(decoded.inputs.types(), request.inputs.types());
        QCOMPARE(decoded.inputs.rowCount(), 3);
        QCOMPARE(decoded.inputs.integers(0)[0], 1);
        QCOMPARE(decoded.inputs.string(1, 0), QStringLiteral("two, \"2\""));
        QCOMPARE(decoded.inputs.integers(0)[1], std::numeric_limits<qint64>::min());
        QVERIFY(decoded.inputs.isNull(1, 1));
        QCOMPARE(decoded.failedRows, std::vector<int>{2});
        // The version is the body's first key, so any version can be refused before the rest.
        QCOMPARE(QCborValue::fromCbor(BatchCodec::encodeRequest(request)).toMap().keys().first().toString(),
                 QStringLiteral("v"));
    }

    void responseRoundTrip()
    {
        BatchResponse decoded;
        QString error;
        QVERIFY2(BatchCodec::decodeResponse(BatchCodec::encodeResponse(sampleResponse()), 3, kOutputTypes, &decoded, &error),
                 qPrintable(error));
        QCOMPARE(decoded.output.values().doubles(0)[0], 1.5);
        QCOMPARE(decoded.output.values().string(1, 0), QStringLiteral("ä"));
        QCOMPARE(decoded.output.values().doubles(0)[1], -7.0);
        QVERIFY(decoded.output.values().isNull(1, 1));
        QVERIFY(!decoded.output.failed(1));
        QVERIFY(decoded.output.failed(2));
        QCOMPARE(decoded.output.error(2), QStringLiteral("bad element"));
        QCOMPARE(decoded.vcpuSeconds, 0.25);
        QCOMPARE(decoded.charge, 0.01);
        QCOMPARE(decoded.creditsLeft, 4.5);
        // Without credits the key is left out, and reads back as -1.
        BatchResponse free = sampleResponse();
        free.creditsLeft = -1;
        QVERIFY2(BatchCodec::decodeResponse(BatchCodec::encodeResponse(free), 3, kOutputTypes, &decoded, &error),
                 qPrintable(error));
        QCOMPARE(decoded.creditsLeft, -1.0);
    }

    void theWorkersSplitEncodingIsTheSameBody()
    {
        const BatchResponse r = sampleResponse();
        const QByteArray output = BatchCodec::encodeOutput(r.output); // on the worker's pool thread
        QCOMPARE(BatchCodec::encodeResponse(r.vcpuSeconds, r.charge, r.creditsLeft, output), BatchCodec::encodeResponse(r));
    }

    void otherProtocolVersionsAreRefusedByName_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("request");
        QTest::addColumn<QString>("message");
        // What a version-1 client sent: one CBOR value per cell.
        const QByteArray v1Request = mapOf({{"v", 1}, {"function", "test.control"}, {"version", "1.0.0"},
                                            {"sha256", "ab"}, {"params", QCborMap{}}, {"columns", QCborArray{"x"}},
                                            {"firstRow", 0}, {"rows", QCborArray{QCborArray{1}, QCborArray{2}}}});
        QTest::newRow("a version-1 request") << v1Request << true
                                             << "this worker speaks protocol 2; the client sent 1 — upgrade the client";
        QTest::newRow("a newer request") << withKey(BatchCodec::encodeRequest(sampleRequest()), "v", 3) << true
                                         << "this worker speaks protocol 2; the client sent 3 — upgrade the worker";
        QTest::newRow("the version not first") << mapOf({{"function", "f"}, {"rows", QCborArray{}}, {"v", 1}}) << true
                                               << "the client sent 1 — upgrade the client";
        QTest::newRow("no version") << mapOf({{"function", "f"}}) << true << "has no protocol version";
        const QByteArray v1Answer =
            mapOf({{"v", 1}, {"outputs", QCborArray{QCborArray{1.5, "a"}}}, {"errors", QCborArray{}},
                   {"vcpuSeconds", 0.1}, {"charge", 0.0}});
        QTest::newRow("a version-1 answer") << v1Answer << false
                                            << "this client speaks protocol 2; the worker answered in protocol 1 — upgrade the worker";
        QTest::newRow("a newer answer") << withKey(BatchCodec::encodeResponse(sampleResponse()), "v", 7) << false
                                        << "the worker answered in protocol 7 — upgrade the client";
    }

    void otherProtocolVersionsAreRefusedByName()
    {
        QFETCH(QByteArray, body);
        QFETCH(bool, request);
        QFETCH(QString, message);
        QString error;
        if (request) {
            BatchRequest decoded;
            QVERIFY(!BatchCodec::decodeRequest(body, &decoded, &error));
        } else {
            BatchResponse decoded;
            QVERIFY(!BatchCodec::decodeResponse(body, 1, kOutputTypes, &decoded, &error));
        }
        QVERIFY2(error.contains(message), qPrintable(error));
    }

    void malformedRequestsAreRefused_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("needle");
        const QByteArray good = BatchCodec::encodeRequest(sampleRequest());
        const QCborMap map = QCborValue::fromCbor(good).toMap();
        QTest::newRow("garbage") << QByteArray("\xff\x00garbage", 9) << "malformed CBOR";
        QTest::newRow("not a map") << QCborValue(QCborArray{2}).toCbor() << "not a CBOR map";
        QTest::newRow("no inputs") << withKey(good, "inputs", QCborValue()) << "\"inputs\" is missing";
        QTest::newRow("no function") << withKey(good, "function", QCborValue()) << "\"function\" is missing";
        QTest::newRow("function not text") << withKey(good, "function", 5) << "\"function\" is not a text string";
        QTest::newRow("no columns") << withKey(withKey(good, "columns", QCborArray{}), "types", QCborArray{})
                                    << "\"inputs\": the table has 2 columns, expected 0";
        QTest::newRow("names and types disagree") << withKey(good, "columns", QCborArray{"a"})
                                                  << "\"columns\" names 1 inputs but \"types\" has 2";
        QTest::newRow("types disagree with the inputs") << withKey(good, "types", QCborArray{0, 3})
                                                        << "column 0 (float64): the column is int64";
        QTest::newRow("an unknown type") << withKey(good, "types", QCborArray{1, 9}) << "\"types\" is 9, more than 3";
        QTest::newRow("a failed row outside the batch") << withKey(good, "failed", QCborArray{3})
                                                        << "\"failed\" names row 3";
        QTest::newRow("failed rows out of order") << withKey(good, "failed", QCborArray{2, 1}) << "not ascending";
        QTest::newRow("negative first row") << withKey(good, "firstRow", -1) << "\"firstRow\" is not an unsigned integer";
        QByteArray inputsFirst;
        {
            QCborMap reordered;
            reordered.insert(QStringLiteral("v"), 2);
            reordered.insert(QStringLiteral("inputs"), map.value(QStringLiteral("inputs")));
            for (auto it = map.constBegin(); it != map.constEnd(); ++it)
                if (!reordered.contains(it.key()))
                    reordered.insert(it.key(), it.value());
            inputsFirst = reordered.toCborValue().toCbor();
        }
        QTest::newRow("inputs before their types") << inputsFirst << "\"inputs\" comes before \"types\"";
        QTest::newRow("trailing garbage in a map") << good.left(good.size() - 3) << "malformed CBOR";
    }

    void malformedRequestsAreRefused()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, needle);
        BatchRequest decoded;
        QString error;
        QVERIFY(!BatchCodec::decodeRequest(body, &decoded, &error));
        QVERIFY2(error.contains(needle), qPrintable(error));
    }

    void everyCutOfARequestOrAnswerIsRefused()
    {
        const QByteArray request = BatchCodec::encodeRequest(sampleRequest());
        for (qsizetype cut = 0; cut < request.size(); ++cut) {
            BatchRequest decoded;
            QString error;
            if (BatchCodec::decodeRequest(request.left(cut), &decoded, &error) || error.isEmpty())
                QFAIL(qPrintable(QStringLiteral("a request cut at %1 was not refused with a reason").arg(cut)));
        }
        const QByteArray answer = BatchCodec::encodeResponse(sampleResponse());
        for (qsizetype cut = 0; cut < answer.size(); ++cut) {
            BatchResponse decoded;
            QString error;
            if (BatchCodec::decodeResponse(answer.left(cut), 3, kOutputTypes, &decoded, &error) || error.isEmpty())
                QFAIL(qPrintable(QStringLiteral("an answer cut at %1 was not refused with a reason").arg(cut)));
        }
    }

    void lyingOrBrokenAnswersAreRefused_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("rows");
        QTest::addColumn<QString>("needle");
        const QByteArray good = BatchCodec::encodeResponse(sampleResponse());
        QTest::newRow("empty") << QByteArray() << 3 << "malformed CBOR";
        QTest::newRow("truncated") << good.left(good.size() / 2) << 3 << "malformed CBOR";
        QTest::newRow("html") << QByteArray("<html>502 Bad Gateway</html>") << 3 << "malformed CBOR";
        QTest::newRow("fewer rows than asked") << good << 4 << "has 3 rows, expected 4";
        QTest::newRow("more rows than asked") << good << 2 << "has 3 rows, expected 2";
        QCborArray output = QCborValue::fromCbor(good).toMap().value(QStringLiteral("output")).toArray();
        output[1] = QCborArray{QCborArray{7, QStringLiteral("x")}};
        QTest::newRow("error for a row not in the batch") << withKey(good, "output", output) << 3
                                                          << "a failure's row is 7, more than 2";
        QTest::newRow("negative charge") << withKey(good, "charge", -1.0) << 3 << "\"charge\" is negative";
        QTest::newRow("no charge") << withKey(good, "charge", QCborValue()) << 3 << "\"charge\" is missing";
        QTest::newRow("no output") << withKey(good, "output", QCborValue()) << 3 << "\"output\" is missing";
        QTest::newRow("output of another shape") << withKey(good, "output", QCborArray{QCborArray{1}, 2}) << 3
                                                 << "the table has 1 items, expected 2";
        QTest::newRow("bytes after the body") << good + QByteArray("xyz") << 3 << "3 bytes follow the body";
    }

    void lyingOrBrokenAnswersAreRefused()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, rows);
        QFETCH(QString, needle);
        BatchResponse decoded;
        QString error;
        QVERIFY(!BatchCodec::decodeResponse(body, rows, kOutputTypes, &decoded, &error));
        QVERIFY2(error.contains(needle), qPrintable(error));
        // Another type than the request's outputs is refused too.
        QVERIFY(!BatchCodec::decodeResponse(BatchCodec::encodeResponse(sampleResponse()), 3,
                                            {ColumnType::Int64, ColumnType::Text}, &decoded, &error));
        QVERIFY2(error.contains(QStringLiteral("column 0 (int64): the column is float64")), qPrintable(error));
    }

    void costModelChargesOnlyTheRemoteShare()
    {
        CostModel::Input input;
        input.remainingElements = 1000000;
        input.secondsPerElement = 1e-3; // 1000 s serial
        input.localThreads = 4;          // 250 s locally
        WorkerProbe worker;
        worker.url = QStringLiteral("https://w");
        worker.usable = true;
        worker.threads = 4;
        worker.rttSeconds = 0.01;
        worker.bytesPerSecond = 1e9;
        worker.pricePerVcpuHour = 0.36; // $0.0001 per vCPU-second
        input.workers = {worker};
        const Estimate e = CostModel::estimate(input);
        QCOMPARE(e.localOnlySeconds, 250.0);
        QVERIFY(qAbs(e.withRemoteSeconds - 125.01) < 1e-6);
        QCOMPARE(e.remoteShare, 0.5);
        QVERIFY(qAbs(e.remoteVcpuHours - 500.0 / 3600) < 1e-9);
        QVERIFY(qAbs(e.cost - 0.05) < 1e-9); // fastmap would have charged 1000 s: $0.10
        QVERIFY(e.remoteHelps);
        QVERIFY(e.paid());
        QVERIFY(e.toText().contains(QStringLiteral("Estimated cost:      $0.0500")));
    }

    void costModelSaysWhenRemoteWouldNotHelp()
    {
        CostModel::Input input;
        input.remainingElements = 1000;
        input.secondsPerElement = 1e-6; // a millisecond of work
        input.localThreads = 2;
        input.bytesInPerElement = 1000;
        input.bytesOutPerElement = 1000;
        WorkerProbe slowLink;
        slowLink.usable = true;
        slowLink.threads = 64;
        slowLink.rttSeconds = 0.05; // the round trip alone is longer than the job
        slowLink.bytesPerSecond = 1e6;
        input.workers = {slowLink};
        const Estimate e = CostModel::estimate(input);
        QVERIFY(!e.remoteHelps);
        QVERIFY2(e.reason.contains(QStringLiteral("would not speed this job up")), qPrintable(e.reason));
        // The link caps the worker: 1e6 B/s over 2000 B per element is 500 elements/s, not 64 cores' worth.
        QCOMPARE(CostModel::workerRate(slowLink, input), 500.0);
    }

    void costModelUnderTheRemotePolicyUsesOnlyWorkers()
    {
        CostModel::Input input;
        input.remainingElements = 3600;
        input.secondsPerElement = 1;
        input.localThreads = 2;
        input.localUsed = false;
        WorkerProbe w;
        w.usable = true;
        w.threads = 2;
        w.bytesPerSecond = 1e9;
        w.pricePerVcpuHour = 1;
        input.workers = {w};
        const Estimate e = CostModel::estimate(input);
        QCOMPARE(e.remoteShare, 1.0);
        QCOMPARE(e.remoteVcpuHours, 1.0);
        QCOMPARE(e.cost, 1.0);
    }

    // Workers on this machine share its cores with the local threads: together they count only
    // the cores those leave free, each up to its own threads (a loopback worker beside -j 2 on
    // 2 cores made jobs slower, issue #10).
    void costModelCountsOnlyTheCoresTheLocalThreadsLeave_data()
    {
        QTest::addColumn<int>("cores");
        QTest::addColumn<int>("localThreads");
        QTest::addColumn<bool>("localUsed");
        QTest::addColumn<QList<int>>("threads"); // of each worker on this machine
        QTest::addColumn<QList<int>>("counted");
        QTest::newRow("-j 2 on 2 cores") << 2 << 2 << true << QList<int>{2} << QList<int>{0};
        QTest::newRow("-j 4 on 2 cores") << 2 << 4 << true << QList<int>{2} << QList<int>{0};
        QTest::newRow("-j 1 on 2 cores") << 2 << 1 << true << QList<int>{2} << QList<int>{1};
        QTest::newRow("-j 1 on 8 cores") << 8 << 1 << true << QList<int>{2} << QList<int>{2};
        QTest::newRow("two share what is left") << 4 << 1 << true << QList<int>{2, 2} << QList<int>{2, 1};
        QTest::newRow("remote policy") << 2 << 2 << false << QList<int>{4} << QList<int>{2};
    }

    void costModelCountsOnlyTheCoresTheLocalThreadsLeave()
    {
        QFETCH(int, cores);
        QFETCH(int, localThreads);
        QFETCH(bool, localUsed);
        QFETCH(QList<int>, threads);
        QFETCH(QList<int>, counted);
        CostModel::Input input;
        input.remainingElements = 1000000;
        input.secondsPerElement = 1e-5;
        input.localThreads = localThreads;
        input.localUsed = localUsed;
        input.machineCores = cores;
        for (int i = 0; i < threads.size(); ++i) {
            WorkerProbe w;
            w.url = QStringLiteral("http://127.0.0.1:%1").arg(8750 + i);
            w.usable = true;
            w.sameMachine = true;
            w.threads = threads[i];
            w.bytesPerSecond = 1e12;
            input.workers << w;
        }
        QCOMPARE(CostModel::countedThreads(input), counted);
        const Estimate e = CostModel::estimate(input);
        int remote = 0;
        for (int i = 0; i < counted.size(); ++i) {
            QCOMPARE(e.workers[i].countedThreads, counted[i]);
            remote += counted[i];
        }
        const double local = localUsed ? localThreads : 0;
        QVERIFY2(qAbs(e.remoteShare - remote / (remote + local)) < 1e-9,
                 qPrintable(QString::number(e.remoteShare)));
        QCOMPARE(e.remoteHelps, remote > 0);
    }

    void costModelSaysWhyAWorkerOnThisMachineIsNotUsed()
    {
        CostModel::Input input;
        input.remainingElements = 1000000;
        input.secondsPerElement = 1e-5; // 5 s on two threads
        input.localThreads = 2;
        input.machineCores = 2;
        WorkerProbe loopback;
        loopback.url = QStringLiteral("http://127.0.0.1:8750");
        loopback.usable = true;
        loopback.sameMachine = true;
        loopback.threads = 2;
        loopback.bytesPerSecond = 1e12;
        input.workers = {loopback};
        Estimate e = CostModel::estimate(input);
        QVERIFY(!e.remoteHelps);
        QCOMPARE(e.remoteShare, 0.0);
        QCOMPARE(e.withRemoteSeconds, e.localOnlySeconds);
        QCOMPARE(e.reason,
                 QStringLiteral("the worker on 127.0.0.1:8750 shares this machine's 2 cores with the 2 local "
                                "threads, so it would not speed this job up"));
        QVERIFY2(e.toText().contains(
                     QStringLiteral("Worker http://127.0.0.1:8750: not used: it shares this machine's 2 "
                                    "cores with the 2 local threads\n")),
                 qPrintable(e.toText()));
        QVERIFY(!e.toText().contains(QStringLiteral("With remote workers:")));

        // Elsewhere, the same worker would halve the time.
        input.workers[0].sameMachine = false;
        e = CostModel::estimate(input);
        QVERIFY(e.remoteHelps);
        QCOMPARE(e.remoteShare, 0.5);

        // Beside a worker elsewhere it is still not counted, and the other one is.
        WorkerProbe elsewhere = loopback;
        elsewhere.url = QStringLiteral("https://w:8750");
        elsewhere.sameMachine = false;
        input.workers = {loopback, elsewhere};
        e = CostModel::estimate(input);
        QVERIFY(e.remoteHelps);
        QCOMPARE(e.remoteShare, 0.5);
        QCOMPARE(e.workers[0].countedThreads, 0);
        QCOMPARE(e.workers[1].countedThreads, 2);
        QVERIFY2(e.toText().contains(QStringLiteral("Worker http://127.0.0.1:8750: not used: it shares")),
                 qPrintable(e.toText()));
        QVERIFY2(e.toText().contains(QStringLiteral("Worker https://w:8750: 2 threads, ")),
                 qPrintable(e.toText()));

        // With -j 1 it takes the core left free, and says so.
        input.localThreads = 1;
        input.workers = {loopback};
        e = CostModel::estimate(input);
        QVERIFY(e.remoteHelps);
        QCOMPARE(e.remoteShare, 0.5);
        QVERIFY2(e.toText().contains(
                     QStringLiteral("Worker http://127.0.0.1:8750: 1 of its 2 threads counted (on this "
                                    "machine, beside 1 local thread)")),
                 qPrintable(e.toText()));
    }

    void endpointsKnowThisMachine()
    {
        QStringList own{"127.0.0.1", "127.1.2.3", "localhost",
                        "LocalHost", "::1",       QHostInfo::localHostName()};
        for (const QHostAddress &address : QNetworkInterface::allAddresses())
            own << address.toString();
        for (const QString &host : std::as_const(own))
            QVERIFY2(WorkerEndpoint::isThisMachine(host), qPrintable(host));
        QVERIFY(!WorkerEndpoint::isThisMachine(QStringLiteral("192.0.2.1"))); // TEST-NET-1: no machine's own
        QVERIFY(!WorkerEndpoint::isThisMachine(QStringLiteral("worker.example.org")));
    }

    void endpointsRefusePlainHttpOffThisMachine()
    {
        QUrl url;
        QString error;
        QVERIFY(WorkerEndpoint::parse(QStringLiteral("http://127.0.0.1:8750"), false, &url, &error));
        QCOMPARE(url.port(), 8750);
        QVERIFY(WorkerEndpoint::parse(QStringLiteral("http://localhost:1/"), false, &url, &error));
        QVERIFY(WorkerEndpoint::parse(QStringLiteral("http://[::1]:1"), false, &url, &error));
        QVERIFY(WorkerEndpoint::parse(QStringLiteral("https://worker.example.org"), false, &url, &error));
        QVERIFY(!WorkerEndpoint::parse(QStringLiteral("http://worker.example.org"), false, &url, &error));
        QVERIFY2(error.contains(QStringLiteral("--insecure")), qPrintable(error));
        QVERIFY(WorkerEndpoint::parse(QStringLiteral("http://worker.example.org"), true, &url, &error));
        QVERIFY(!WorkerEndpoint::parse(QStringLiteral("ftp://x"), true, &url, &error));
        QVERIFY(!WorkerEndpoint::parse(QStringLiteral("worker:8750"), true, &url, &error));
        QCOMPARE(WorkerEndpoint::resolve(QUrl(QStringLiteral("https://h/prefix")), QStringLiteral("/v1/health")).toString(),
                 QStringLiteral("https://h/prefix/v1/health"));
    }

    void workersFileIsReReadWhenItChanges()
    {
        QCOMPARE(WorkersFile::parse("# workers\nhttp://a:1\n\n  https://b  # fast one\nhttp://a:1\n"),
                 (QStringList{"http://a:1", "https://b"}));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("workers"));
        WorkersFile file(path);
        QStringList urls;
        QString error;
        QVERIFY(!file.reload(&urls, &error));
        QVERIFY(error.contains(QStringLiteral("no such file")));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("http://a:1\n");
        f.close();
        QVERIFY(file.reload(&urls, &error));
        QCOMPARE(urls, QStringList{"http://a:1"});
        error.clear();
        QVERIFY(!file.reload(&urls, &error)); // unchanged
        QVERIFY(error.isEmpty());
        QThread::msleep(20);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("http://a:1\nhttp://b:2\n");
        f.close();
        QVERIFY(file.reload(&urls, &error));
        QCOMPARE(urls, (QStringList{"http://a:1", "http://b:2"}));
    }
};

QTEST_GUILESS_MAIN(TestRemoteParts)
#include "tst_remoteparts.moc"
