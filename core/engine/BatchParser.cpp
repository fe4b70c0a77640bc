// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/BatchParser.h"

namespace fastmap {

BatchParser::BatchParser(std::shared_ptr<const RecordParser> parser, std::vector<FieldTarget> inputs,
                         std::vector<ColumnType> outputTypes, std::vector<FieldTarget> kept)
    : m_parser(std::move(parser)), m_inputs(std::move(inputs)), m_outputTypes(std::move(outputTypes)),
      m_kept(std::move(kept))
{
}

std::vector<ColumnType> BatchParser::inputTypes() const
{
    std::vector<ColumnType> types;
    for (const FieldTarget &t : m_inputs)
        types.push_back(t.type);
    return types;
}

std::optional<InputError> BatchParser::parse(Batch &batch, BatchOutput *output) const
{
    const int rows = batch.size();
    *output = BatchOutput(m_outputTypes, rows);
    InputError error;
    int good = m_parser->parse(batch.records, m_inputs, &batch.input, output, &error);
    if (!m_kept.empty() && good > 0) {
        BatchOutput ignored(m_outputTypes, rows); // every kept column is text: nothing fails to convert
        InputError keptError;
        const int keptGood = m_parser->parse(batch.records, m_kept, &batch.kept, &ignored, &keptError);
        if (keptGood < good) {
            good = keptGood;
            error = keptError;
        }
    }
    if (good >= rows)
        return std::nullopt;

    // Cut the batch before the malformed record; the rows before it are delivered as usual.
    good = qMax(0, good);
    RecordBlock &r = batch.records;
    r.count = good;
    if (!r.ends.empty())
        r.ends.resize(std::size_t(good));
    if (!r.lines.empty())
        r.lines.resize(std::size_t(good));
    batch.input.resizeRows(good);
    if (!m_kept.empty())
        batch.kept.resizeRows(good);
    BatchOutput cut(m_outputTypes, good);
    for (int row = 0; row < good; ++row)
        if (output->failed(row))
            cut.fail(row, output->error(row));
    *output = std::move(cut);
    return error;
}

} // namespace fastmap
