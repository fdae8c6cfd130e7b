// SPDX-License-Identifier: GPL-2.0
//
// check.cc - a server's description is hostile: before anything uses or
// prints it, refuse names protobuf would not take (bytes outside
// [A-Za-z0-9_.], empty dotted components, longer than kMaxName bytes or
// kMaxComponents components) and more types or fields than anyone serves,
// which bounds the work of building the schema from it. Escape() makes
// other server text (status messages) safe for a terminal.
#include <cstdio>
#include <string>
#include <string_view>

#include "fcall.h"

namespace fcall {

namespace {

constexpr size_t kMaxName = 1024;	// bytes of a name
constexpr size_t kMaxComponents = 128;	// dotted parts of a full name
constexpr size_t kMaxTypes = 100000;	// message + enum types
constexpr size_t kMaxFields = 100000;	// fields + enum values + methods

bool IdentByte(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

// Whether @s is a valid name: dotted (pkg.Msg) when @dotted, else a
// single identifier; empty only when @may_be_empty. *@why says why not,
// with the name escaped and cut short.
bool CheckName(const char *s, const char *what, bool dotted,
	       bool may_be_empty, std::string *why)
{
	std::string_view n = s ? s : "";
	size_t parts = 1;
	bool ok = n.size() <= kMaxName && (may_be_empty || !n.empty());

	for (size_t i = 0; ok && i < n.size(); i++) {
		if (n[i] == '.' && dotted) {
			ok = i > 0 && i + 1 < n.size() && n[i + 1] != '.';
			parts++;
		} else {
			ok = IdentByte(n[i]);
		}
	}
	if (ok && parts <= kMaxComponents)
		return true;
	*why = std::string(what) + " \"" + Escape(n.substr(0, 64)) +
	       (n.size() > 64 ? "..." : "") + "\" (" +
	       std::to_string(n.size()) + " bytes) is not a " +
	       (dotted ? "protobuf full name of at most " +
			 std::to_string(kMaxComponents) + " [A-Za-z0-9_] parts"
		       : std::string("protobuf identifier [A-Za-z0-9_]")) +
	       " of at most " + std::to_string(kMaxName) + " bytes";
	return false;
}

bool CheckType(const Fastipc__Rpc__MessageType *t, std::string *why)
{
	if (!CheckName(t->name, "message type", true, false, why))
		return false;
	for (size_t i = 0; i < t->n_fields; i++) {
		const Fastipc__Rpc__Field *f = t->fields[i];

		if (!CheckName(f->name, "field", false, false, why) ||
		    !CheckName(f->type_name, "field type", true, true, why) ||
		    !CheckName(f->oneof, "oneof", false, true, why))
			return false;
	}
	return true;
}

bool CheckEnum(const Fastipc__Rpc__EnumType *e, std::string *why)
{
	if (!CheckName(e->name, "enum type", true, false, why))
		return false;
	for (size_t i = 0; i < e->n_values; i++)
		if (!CheckName(e->values[i]->name, "enum value", false, false,
			       why))
			return false;
	return true;
}

bool CheckService(const Fastipc__Rpc__Service *s, std::string *why)
{
	if (!CheckName(s->name, "service", true, false, why))
		return false;
	for (size_t i = 0; i < s->n_methods; i++) {
		const Fastipc__Rpc__Method *m = s->methods[i];

		if (!CheckName(m->name, "method", false, false, why) ||
		    !CheckName(m->input_type, "input type", true, false, why) ||
		    !CheckName(m->output_type, "output type", true, false, why))
			return false;
	}
	return true;
}

// Whether @d stays within kMaxTypes and kMaxFields.
bool CheckCounts(const Fastipc__Rpc__Description *d, std::string *why)
{
	size_t types = d->n_types + d->n_enums + d->n_services, fields = 0;

	for (size_t i = 0; i < d->n_types; i++)
		fields += d->types[i]->n_fields;
	for (size_t i = 0; i < d->n_enums; i++)
		fields += d->enums[i]->n_values;
	for (size_t i = 0; i < d->n_services; i++)
		fields += d->services[i]->n_methods;
	if (types <= kMaxTypes && fields <= kMaxFields)
		return true;
	*why = std::to_string(types) + " types and services, " +
	       std::to_string(fields) + " fields, enum values and methods: " +
	       "more than " + std::to_string(kMaxTypes) + " or " +
	       std::to_string(kMaxFields);
	return false;
}

}  // namespace

bool CheckDescription(const Fastipc__Rpc__Description *d, std::string *why)
{
	if (!CheckCounts(d, why))
		return false;
	for (size_t i = 0; i < d->n_types; i++)
		if (!CheckType(d->types[i], why))
			return false;
	for (size_t i = 0; i < d->n_enums; i++)
		if (!CheckEnum(d->enums[i], why))
			return false;
	for (size_t i = 0; i < d->n_services; i++)
		if (!CheckService(d->services[i], why))
			return false;
	return true;
}

std::string Escape(std::string_view s)
{
	std::string out;
	char hex[5];

	for (unsigned char c : s) {
		if (c >= 0x20 && c <= 0x7e && c != '\\') {
			out += char(c);
			continue;
		}
		snprintf(hex, sizeof(hex), "\\x%02x", c);
		out += hex;
	}
	return out;
}

}  // namespace fcall
