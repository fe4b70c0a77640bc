// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/DatasetFingerprint.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>

namespace fastmap {

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
    f.size = info.size();
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(&file)) {
        *error = QStringLiteral("%1: cannot read it to the end: %2").arg(spec, file.errorString());
        return false;
    }
    f.sha256 = QString::fromLatin1(hash.result().toHex());
    *fp = f;
    return true;
}

QJsonObject DatasetFingerprint::toJson() const
{
    return QJsonObject{{"spec", spec}, {"path", path}, {"size", double(size)}, {"sha256", sha256}};
}

DatasetFingerprint DatasetFingerprint::fromJson(const QJsonObject &o)
{
    DatasetFingerprint f;
    f.spec = o.value("spec").toString();
    f.path = o.value("path").toString();
    f.size = qint64(o.value("size").toDouble(-1));
    f.sha256 = o.value("sha256").toString();
    return f;
}

QString DatasetFingerprint::differenceFrom(const DatasetFingerprint &other) const
{
    if (size != other.size)
        return QStringLiteral("its size changed from %1 to %2 bytes").arg(other.size).arg(size);
    if (sha256 != other.sha256)
        return QStringLiteral("its content changed (SHA-256 %1… then, %2… now)").arg(other.sha256.left(12), sha256.left(12));
    return {};
}

} // namespace fastmap
