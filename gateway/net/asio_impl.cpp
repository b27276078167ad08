// Separate compilation: Asio, Asio.SSL and Beast are compiled once, here, instead of in every
// translation unit that includes them (BOOST_ASIO_SEPARATE_COMPILATION and
// BOOST_BEAST_SEPARATE_COMPILATION come from the rg_asio_defs target).
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
