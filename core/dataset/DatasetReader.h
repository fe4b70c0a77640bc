// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dataset/InputError.h"
#include "dataset/RecordBlock.h"

#include <fastmap/Function.h>

#include <QStringList>

#include <memory>

namespace fastmap {

// Which dataset column feeds one function input, and the type it is converted to.
struct FieldTarget
{
    int column = 0;       // index into DatasetReader::columns()
    ColumnType type = ColumnType::Text;
    QString inputName;    // for messages: "input 'lat1' is not a number: 'abc'"
};

// Turns raw records into typed columns. Stateless and thread-safe: the engine calls one parser
// from every executor thread at once, so splitting fields and converting values run in parallel.
class RecordParser
{
public:
    virtual ~RecordParser() = default;

    // Fills `out` (one column per target, of the target's type, block.count rows, its text views
    // into out->buffer()) from `block`. A value that does not convert to its target's type fails
    // that element in `failures` (sized block.count rows) with a message naming the input and
    // the value, and leaves 0 or empty text in its cell; an empty field or a JSON null is a null,
    // which fails a number, integer or boolean input ("input 'x' is empty") and is empty text for
    // a string. A malformed record (wrong field count, bad quoting, invalid UTF-8, bad JSON) is an
    // input error: returns the index of that record, with `error` naming file:line:column; the
    // rows before it are complete. Returns block.count when every record is well formed.
    virtual int parse(const RecordBlock &block, const std::vector<FieldTarget> &targets, Table *out,
                      BatchOutput *failures, InputError *error) const = 0;
};

// Streams the records of one dataset. Never holds the whole input in memory.
// Not thread-safe: the scheduler serialises calls. Only the scan for record boundaries is done
// here (quote-aware for CSV); fields are split and converted later, in parallel, by parser().
class DatasetReader
{
public:
    virtual ~DatasetReader() = default;

    // What the user named: a path or "range:N".
    virtual QString source() const = 0;
    virtual QStringList columns() const = 0;

    // Replaces `out` with the next up to maxRows whole records. Returns their number: 0 at the
    // end of input, -1 on an error (see error()). After an error every later call returns -1.
    // Records cut before an error in the same call are returned first; the next call then
    // returns -1. The errors found here are the ones a boundary scan sees: an unterminated
    // quote at the end of the file, a record over the size limit, a read error, a NUL byte.
    virtual int readRecords(RecordBlock &out, int maxRows) = 0;

    // The parser for this dataset's records; shared, and valid after the reader is gone.
    virtual std::shared_ptr<const RecordParser> parser() const = 0;

    // The number of rows when known up front (a range), otherwise -1.
    virtual qint64 totalRows() const { return -1; }
    // How much of the input has been consumed, from 0 to 1 (bytes read / file size for files).
    virtual double progress() const = 0;
    // Bytes consumed so far (0 for generated data); the fingerprint hashes the file as it passes.
    virtual qint64 bytesRead() const { return 0; }

    const InputError &error() const { return m_error; }

    // Reads and parses up to maxRows rows with every column as text, for previews and tests.
    // Returns the rows appended, 0 at the end, -1 on an error (in error()).
    int readText(Table &out, int maxRows);

protected:
    InputError m_error;
};

} // namespace fastmap
