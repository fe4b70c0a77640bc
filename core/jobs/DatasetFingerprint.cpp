// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/DatasetFingerprint.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>

namespace fastmap {

namespace {

bool addBlock(QFile &file, qint64 offset, qint64 length, QCryptographicHash &hash)
{
    if (!file.seek(offset))
        return false;
    const QByteArray block = file.read(length);
    if (block.size() != length)
        return false;
    hash.addData(block);
    return true;
}

} // namespace

bool DatasetFingerprint::of(const QString &spec, DatasetFingerprint *fp, QString *error)
{
    DatasetFingerprint f;
    f.spec = spec;
    if (spec.startsWith(QLatin1String("range:"))) {
        f.sha256 = QString::fromLatin1(QCryptographicHash::hash(spec.toUtf8(), QCryptographicHash::Sha256).toHex());
        *fp = f;
        return true;
    }
    const QFileInfo info(spec);
    QFile file(spec);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: %2").arg(spec, file.errorString());
        return false;
    }
    f.path = info.absoluteFilePath();
    f.size = file.size();
    f.modified = info.lastModified().toMSecsSinceEpoch();
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (f.size <= kWholeFileBytes) {
        if (!hash.addData(&file)) {
            *error = QStringLiteral("%1: cannot read it: %2").arg(spec, file.errorString());
            return false;
        }
        f.sha256 = QString::fromLatin1(hash.result().toHex());
        *fp = f;
        return true;
    }
    // The size goes in too, so that the blocks' places are part of what is compared.
    hash.addData(QByteArray::number(f.size) + '\n');
    bool ok = addBlock(file, 0, kEdgeBytes, hash);
    const qint64 inner = f.size - 2 * kEdgeBytes;
    for (int i = 1; ok && i <= kInnerBlocks; ++i) {
        const qint64 at = kEdgeBytes + (inner - kInnerBlockBytes) * i / (kInnerBlocks + 1);
        ok = addBlock(file, at, kInnerBlockBytes, hash);
    }
    ok = ok && addBlock(file, f.size - kEdgeBytes, kEdgeBytes, hash);
    if (!ok) {
        *error = QStringLiteral("%1: cannot read it: %2").arg(spec, file.errorString());
        return false;
    }
    f.sampleSha256 = QString::fromLatin1(hash.result().toHex());
    *fp = f;
    return true;
}

QJsonObject DatasetFingerprint::toJson() const
{
    QJsonObject o{{"spec", spec}, {"path", path}, {"size", double(size)}};
    if (modified >= 0)
        o.insert("modified", QDateTime::fromMSecsSinceEpoch(modified).toUTC().toString(Qt::ISODateWithMs));
    if (!sha256.isEmpty())
        o.insert("sha256", sha256);
    if (!sampleSha256.isEmpty())
        o.insert("sampleSha256", sampleSha256);
    return o;
}

DatasetFingerprint DatasetFingerprint::fromJson(const QJsonObject &o)
{
    DatasetFingerprint f;
    f.spec = o.value("spec").toString();
    f.path = o.value("path").toString();
    f.size = qint64(o.value("size").toDouble(-1));
    const QDateTime modified = QDateTime::fromString(o.value("modified").toString(), Qt::ISODateWithMs);
    f.modified = modified.isValid() ? modified.toMSecsSinceEpoch() : -1;
    f.sha256 = o.value("sha256").toString();
    f.sampleSha256 = o.value("sampleSha256").toString();
    return f;
}

QString DatasetFingerprint::differenceFrom(const DatasetFingerprint &other) const
{
    if (size != other.size)
        return QStringLiteral("its size changed from %1 to %2 bytes").arg(other.size).arg(size);
    if (sha256.isEmpty() != other.sha256.isEmpty() || sampleSha256.isEmpty() != other.sampleSha256.isEmpty())
        return QStringLiteral("it was fingerprinted another way (by another version of fastmap)");
    if (sha256 != other.sha256)
        return QStringLiteral("its content changed (SHA-256 %1… then, %2… now)").arg(other.sha256.left(12), sha256.left(12));
    if (sampleSha256 != other.sampleSha256)
        return QStringLiteral("its content changed (SHA-256 of sampled blocks %1… then, %2… now)")
            .arg(other.sampleSha256.left(12), sampleSha256.left(12));
    return {};
}

} // namespace fastmap
