// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/ResultSink.h"

#include <QFile>

#include <memory>
#include <vector>

namespace fastmap {

enum class ResultFormat { Csv, JsonLines };

struct ResultWriterOptions
{
    bool keepInput = false; // write the dataset's columns beside the outputs
};

// Writes results to a file, one output row per input row, in input order. The file is written
// under a hidden temporary name and renamed into place only when the job completes, so a crash
// never leaves half a file under the final name. A job that stops early keeps what it has as
// OUTPUT.partial. "-" writes to standard output.
//
// Each batch goes to the file with write(2), not through a buffer, so a failed write is seen at
// once with errno's reason ("No space left on device"), and the file is then cut back to the end
// of the last batch written whole: the file, and the .partial it becomes, always ends at a whole
// row, and rowsWritten() is the number of rows in it.
//
// An empty path writes nowhere: the rows are formatted and counted, then dropped (what
// `fastmap-cli estimate` samples through, so that it pays a run's formatting).
class ResultWriter : public ResultSink
{
public:
    ResultWriter(const QString &path, const ResultWriterOptions &options);
    ~ResultWriter() override;

    static std::unique_ptr<ResultWriter> create(ResultFormat format, const QString &path,
                                                const ResultWriterOptions &options);
    // From a name ("csv", "jsonl") or, when empty, from the output file's extension.
    static bool formatFor(const QString &name, const QString &path, ResultFormat *format, QString *error);

    bool begin(const QStringList &datasetColumns, const QStringList &outputColumns, QString *error) override;
    // --keep-input needs every dataset column (BatchResult::batch.kept).
    bool wantsInput() const override { return m_keepInput; }
    // Formats the batch's typed outputs (and kept input) into result.encoded, on the executor's thread.
    void prepare(BatchResult &result) override;
    bool consume(const BatchResult &result, QString *error) override;
    bool finish(bool complete, QString *error) override;

    QString path() const { return m_path; }
    // Where the rows ended up after finish(): the path, the .partial file, or empty.
    QString finalPath() const { return m_finalPath; }
    qint64 rowsWritten() const { return m_rows; }
    // The bytes written (the header and whole rows), or formatted when writing nowhere.
    qint64 bytesWritten() const { return m_written; }

    // A fault seam for tests: once the file would grow past `bytes`, writes put in what still
    // fits and then fail with `error` (an errno value), as a full disk does. -1 turns it off.
    void failWritesAfter(qint64 bytes, int error);

protected:
    virtual QByteArray header() const = 0;
    // Appends the batch's rows: result.output's values, and with keepInput result.batch.kept.
    virtual void encode(const BatchResult &result, QByteArray &out) const = 0;
    // Whether row `row` of the kept input has column `column` (the engine fills it for wantsInput()).
    static bool hasKept(const Table &kept, int column, int row)
    {
        return column < kept.columnCount() && row < kept.rowCount();
    }

    // The names written for the kept input columns (renamed when they clash with an output) and the outputs.
    QStringList m_inputNames;
    QStringList m_outputNames;
    bool m_keepInput;

private:
    bool writeAll(const QByteArray &bytes, QString *error);

    QString m_path;
    QString m_tempPath;
    QString m_finalPath;
    QFile m_file;
    qint64 m_rows = 0;
    qint64 m_written = 0; // bytes in the file, all of them whole rows (and the header)
    bool m_toStdout = false;
    bool m_nowhere = false;
    qint64 m_failAfter = -1;
    int m_failError = 0;
};

// RFC 4180 CSV with a header row: [inputs...] outputs... error
class CsvResultWriter : public ResultWriter
{
public:
    using ResultWriter::ResultWriter;

protected:
    QByteArray header() const override;
    void encode(const BatchResult &result, QByteArray &out) const override;
};

// One JSON object per line: {inputs..., outputs..., "error": null | "message"}. Kept inputs are
// text, so they are JSON strings (or null for an empty field).
class JsonLinesResultWriter : public ResultWriter
{
public:
    using ResultWriter::ResultWriter;

    bool begin(const QStringList &datasetColumns, const QStringList &outputColumns, QString *error) override;

protected:
    QByteArray header() const override { return {}; }
    void encode(const BatchResult &result, QByteArray &out) const override;

private:
    // "name": for every kept input and output, escaped once instead of on every row.
    std::vector<QByteArray> m_inputKeys;
    std::vector<QByteArray> m_outputKeys;
};

} // namespace fastmap
