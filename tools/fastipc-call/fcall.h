/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fcall.h - fastipc-call's parts: the schema of a server's message types
 * (schema.cc), the listing (list.cc) and the call (call.cc); main.cc
 * parses the command line and maps outcomes to exit codes.
 */
#ifndef FCALL_H
#define FCALL_H

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor_database.h>

#include <fastipc-rpc.h>

namespace fcall {

/* Exit codes: the call or bind failed; a usage, JSON or schema error. */
constexpr int kExitFail = 1;
constexpr int kExitUsage = 2;

/* "fastipc-call: @what: @why" on stderr. */
void Error(const std::string &what, const std::string &why);

/*
 * CheckDescription() - Whether the server's description @d may be used
 * and printed: every name a protobuf name ([A-Za-z0-9_], dotted for full
 * names, at most 1 KiB and 128 parts), at most 100,000 types and 100,000
 * fields. Return: false with *@why (printable) on the first breach.
 */
bool CheckDescription(const Fastipc__Rpc__Description *d, std::string *why);

/* @s with each byte outside 0x20-0x7e, and backslash, as \xNN: printable. */
std::string Escape(std::string_view s);

/*
 * Schema - The message types of a server, in a DescriptorPool: built from
 * its describe reply (FromDescription) or read from a descriptor set as
 * protoc --descriptor_set_out writes it (FromFile).
 */
class Schema {
public:
	Schema();
	~Schema();
	/*
	 * From @d (owned by the caller, must outlive the Schema). A full
	 * name pkg.Outer.Inner is a nested type when pkg.Outer is a message
	 * type; otherwise its package is what precedes its last dot.
	 * Return: false with *@why on a description the pool refuses.
	 */
	bool FromDescription(const Fastipc__Rpc__Description *d,
			     std::string *why);
	/* From the FileDescriptorSet in @path. Return: false with *@why. */
	bool FromFile(const std::string &path, std::string *why);

	/*
	 * The message type @name ("pkg.Msg"), with every type it reaches
	 * described; NULL with *@why naming the first type that is not.
	 */
	const google::protobuf::Descriptor *Message(const std::string &name,
						    std::string *why);
	/* Message type @name as the pool has it (no check of what it reaches). */
	const google::protobuf::Descriptor *Lookup(const std::string &name);
	/* The pool's first build error, or "". */
	const std::string &Errors() const;
	/* Whether type @name (message or enum) is described. */
	bool Described(const std::string &name);
	/* Where the types come from: "CHANNEL's description" or the file. */
	const std::string &Source() const { return source_; }
	void SetSource(const std::string &s) { source_ = s; }

private:
	class Collector;
	bool Reaches(const std::string &name, std::string *why);
	void MakePool();

	google::protobuf::SimpleDescriptorDatabase db_;
	std::unique_ptr<Collector> errors_;
	std::unique_ptr<google::protobuf::DescriptorPool> pool_;
	/* Description mode: the names of its types and enums; its types. */
	std::set<std::string> described_;
	std::map<std::string, const Fastipc__Rpc__MessageType *> types_;
	bool from_file_ = false;
	std::string source_;
};

/*
 * List() - Print what @d serves: its services with their methods
 * ("rpc Get (kv.GetRequest) returns (kv.GetReply)"), then every message
 * and enum type the methods reach, with their fields, from @schema.
 * Return: 0.
 */
int List(const Fastipc__Rpc__Description *d, Schema *schema);

/* What one call needs, from the command line. */
struct CallArgs {
	std::string channel;
	std::string method;	/* "pkg.Svc/Method", leading '/' removed */
	std::string request;	/* JSON, or packed bytes with binary */
	bool binary = false;
	uint64_t deadline_ns = 0;	/* 0: none */
};

/*
 * Call() - Find @a.method in @d, convert the request (JSON -> bytes with
 * @schema unless binary), call it on @cl and print the reply (JSON, or
 * the bytes with binary) on stdout. Return: 0, kExitFail (the call's
 * status is not OK, the reply does not parse) or kExitUsage (unknown
 * method, bad JSON, a type not described).
 */
int Call(struct fastipc_rpc_client *cl, const Fastipc__Rpc__Description *d,
	 Schema *schema, const CallArgs &a);

/*
 * FindMethod() - The method "pkg.Svc/Method" @full in @d, or NULL.
 */
const Fastipc__Rpc__Method *FindMethod(const Fastipc__Rpc__Description *d,
				       const std::string &full);

}  // namespace fcall

#endif /* FCALL_H */
