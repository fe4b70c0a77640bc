// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/CborVariant.h"

namespace fastmap {

QCborValue variantToCbor(const QVariant &value)
{
    switch (value.typeId()) {
    case QMetaType::UnknownType:
    case QMetaType::Nullptr: return QCborValue(QCborValue::Null);
    case QMetaType::Int:
    case QMetaType::LongLong: return QCborValue(value.toLongLong());
    case QMetaType::UInt:
    case QMetaType::ULongLong: return QCborValue(qint64(value.toULongLong()));
    case QMetaType::Double: return QCborValue(value.toDouble());
    case QMetaType::Float: return QCborValue(double(value.toFloat()));
    case QMetaType::Bool: return QCborValue(value.toBool());
    case QMetaType::QString: return QCborValue(value.toString());
    default: return QCborValue::fromVariant(value);
    }
}

QVariant cborToVariant(const QCborValue &value)
{
    switch (value.type()) {
    case QCborValue::Integer: return value.toInteger();
    case QCborValue::Double: return value.toDouble();
    case QCborValue::String: return value.toString();
    case QCborValue::True: return true;
    case QCborValue::False: return false;
    case QCborValue::Null:
    case QCborValue::Undefined: return {};
    default: return value.toVariant();
    }
}

} // namespace fastmap
