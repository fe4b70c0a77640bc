// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dataset/Dataset.h"
#include "dataset/DatasetReader.h"
#include "dataset/FileBuffer.h"

#include <QJsonObject>

namespace fastmap {

// JSON Lines: one JSON object per non-blank line. The keys of the first object, in the order they
// are written there, are the columns. A later object lacking a key gives a null cell; keys the first
// object does not have are ignored.
// Values: integral numbers that fit become qint64, other numbers double, strings QString, booleans
// bool, null an invalid QVariant, arrays and objects their compact JSON text (with the keys of
// objects sorted, as QJsonObject keeps them).
class JsonLinesReader : public DatasetReader
{
public:
    JsonLinesReader(const QString &path, const DatasetOptions &options = {});

    // Opens the file and reads up to the first object to learn the columns.
    bool open();

    QString source() const override { return m_path; }
    QStringList columns() const override { return m_columns; }
    int read(Table &out, int maxRows) override;
    double progress() const override { return m_file.progress(); }

    // The top-level keys of a JSON object in the order written; duplicates appear once.
    // Empty when `json` does not start like an object. Meant for text QJsonDocument has accepted.
    static QStringList keysInOrder(QByteArrayView json);

private:
    enum class Next { Object, End, Error };
    Next nextObject(QJsonObject *object);

    QString m_path;
    DatasetOptions m_options;
    FileBuffer m_file;
    QStringList m_columns;
    QJsonObject m_first; // read by open(), delivered by the first read()
    bool m_haveFirst = false;
    bool m_columnsKnown = false;
};

} // namespace fastmap
