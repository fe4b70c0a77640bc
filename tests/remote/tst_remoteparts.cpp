// SPDX-License-Identifier: GPL-3.0-or-later
// The client side's small parts: the CBOR codec, the cost model, endpoints and the workers file.
#include "remote/BatchCodec.h"
#include "remote/CostModel.h"
#include "remote/WorkerEndpoint.h"
#include "remote/WorkersFile.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace fastmap;

class TestRemoteParts : public QObject
{
    Q_OBJECT

    static BatchResponse sampleResponse()
    {
        BatchResponse r;
        r.output = BatchOutput(2, 3);
        r.output.values().set(0, 0, 1.5);
        r.output.values().set(0, 1, QStringLiteral("ä"));
        r.output.values().set(1, 0, qint64(-7));
        r.output.values().set(1, 1, QVariant());
        r.output.fail(2, QStringLiteral("bad element"));
        r.vcpuSeconds = 0.25;
        r.charge = 0.01;
        r.creditsLeft = 4.5;
        return r;
    }

private slots:
    void requestRoundTrip()
    {
        BatchRequest request;
        request.functionId = QStringLiteral("geo.haversine");
        request.functionVersion = QStringLiteral("1.0.0");
        request.pluginSha256 = QStringLiteral("ab12");
        request.params = {{"radius_km", 6371.0}, {"flag", true}, {"name", "x"}};
        request.columns = {"a", "b"};
        request.firstRow = 1000;
        request.rows = Table(2, 2);
        request.rows.set(0, 0, qint64(1));
        request.rows.set(0, 1, QStringLiteral("two, \"2\""));
        request.rows.set(1, 0, 3.25);
        request.rows.set(1, 1, QVariant());
        BatchRequest decoded;
        QString error;
        QVERIFY2(BatchCodec::decodeRequest(BatchCodec::encodeRequest(request), &decoded, &error), qPrintable(error));
        QCOMPARE(decoded.functionId, request.functionId);
        QCOMPARE(decoded.pluginSha256, request.pluginSha256);
        QCOMPARE(decoded.params.value("radius_km").toDouble(), 6371.0);
        QCOMPARE(decoded.params.value("flag").toBool(), true);
        QCOMPARE(decoded.columns, request.columns);
        QCOMPARE(decoded.firstRow, 1000);
        QCOMPARE(decoded.rows.rowCount(), 2);
        QCOMPARE(decoded.rows.at(0, 0).toLongLong(), 1);
        QCOMPARE(decoded.rows.at(0, 1).toString(), QStringLiteral("two, \"2\""));
        QCOMPARE(decoded.rows.at(1, 0).toDouble(), 3.25);
        QVERIFY(decoded.rows.at(1, 1).isNull());
    }

    void responseRoundTrip()
    {
        BatchResponse decoded;
        QString error;
        QVERIFY2(BatchCodec::decodeResponse(BatchCodec::encodeResponse(sampleResponse()), 3, 2, &decoded, &error), qPrintable(error));
        QCOMPARE(decoded.output.values().at(0, 0).toDouble(), 1.5);
        QCOMPARE(decoded.output.values().at(0, 1).toString(), QStringLiteral("ä"));
        QCOMPARE(decoded.output.values().at(1, 0).toLongLong(), -7);
        QVERIFY(!decoded.output.failed(1));
        QVERIFY(decoded.output.failed(2));
        QCOMPARE(decoded.output.error(2), QStringLiteral("bad element"));
        QCOMPARE(decoded.vcpuSeconds, 0.25);
        QCOMPARE(decoded.charge, 0.01);
        QCOMPARE(decoded.creditsLeft, 4.5);
    }

    void lyingOrBrokenAnswersAreRefused_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("rows");
        QTest::addColumn<QString>("needle");
        const QByteArray good = BatchCodec::encodeResponse(sampleResponse());
        QTest::newRow("empty") << QByteArray() << 3 << "malformed CBOR";
        QTest::newRow("truncated") << good.left(good.size() / 2) << 3 << "malformed CBOR";
        QTest::newRow("html") << QByteArray("<html>502 Bad Gateway</html>") << 3 << "";
        QTest::newRow("fewer rows than asked") << good << 4 << "has 3 rows, expected 4";
        QTest::newRow("more rows than asked") << good << 2 << "has 3 rows, expected 2";
        QCborMap wrongVersion = QCborValue::fromCbor(good).toMap();
        wrongVersion.insert(QStringLiteral("v"), 99);
        QTest::newRow("other protocol") << wrongVersion.toCborValue().toCbor() << 3 << "protocol version 99";
        QCborMap badError = QCborValue::fromCbor(good).toMap();
        badError.insert(QStringLiteral("errors"), QCborArray{QCborArray{7, QStringLiteral("x")}});
        QTest::newRow("error for a row not in the batch") << badError.toCborValue().toCbor() << 3 << "errors";
        QCborMap negative = QCborValue::fromCbor(good).toMap();
        negative.insert(QStringLiteral("charge"), -1.0);
        QTest::newRow("negative charge") << negative.toCborValue().toCbor() << 3 << "charge";
        QCborMap narrow = QCborValue::fromCbor(good).toMap();
        narrow.insert(QStringLiteral("outputs"), QCborArray{QCborArray{1}, QCborArray{2}, QCborArray{3}});
        QTest::newRow("row too narrow") << narrow.toCborValue().toCbor() << 3 << "does not have 2 values";
    }

    void lyingOrBrokenAnswersAreRefused()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, rows);
        QFETCH(QString, needle);
        BatchResponse decoded;
        QString error;
        QVERIFY(!BatchCodec::decodeResponse(body, rows, 2, &decoded, &error));
        QVERIFY(!error.isEmpty());
        QVERIFY2(error.contains(needle), qPrintable(error));
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
